import type { FeedbackRecord } from '../../domain/feedback/feedback-record';
import { applyVote } from '../../domain/feedback/vote';
import type { TimeRange } from '../../domain/shared/time-range';
import { FeedbackRepoError, type CastVote, type FeedbackRepo, type VoteOutcome } from '../../ports/feedback-repo';
import type { MemoryState } from './memory-state';

export class InMemoryFeedbackRepo implements FeedbackRepo {
  constructor(private readonly state: MemoryState) {}

  async castVote(vote: CastVote): Promise<VoteOutcome> {
    const { record, fingerprint } = vote;
    // Everything up to the journal write runs without yielding, so the check and the change are atomic.
    const previous = this.state.voteKeys.get(record.idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) return { kind: 'conflict' };
      await previous.durable;
      const saying = this.state.sayings.get(record.sayingId);
      if (!saying) return { kind: 'saying-not-found' };
      return { kind: 'replayed', counts: countsOf(saying), feedbackId: previous.feedbackId };
    }
    const saying = this.state.sayings.get(record.sayingId);
    if (!saying) return { kind: 'saying-not-found' };
    const updated = { ...saying, ...applyVote(saying, record.feedbackType) };
    this.state.sayings.set(updated.id, updated);
    const durable = this.state.journal.write({ t: 'vote', saying: updated, feedback: record, fingerprint }, true);
    this.state.addFeedback(record, fingerprint, durable);
    try {
      await durable;
    } catch (error) {
      this.undo(record);
      throw new FeedbackRepoError('the vote could not be stored', { cause: error });
    }
    return { kind: 'recorded', counts: countsOf(updated), feedbackId: record.id };
  }

  /** Counters are additive, so taking one vote back is exact even when others landed meanwhile. */
  private undo(record: FeedbackRecord): void {
    const current = this.state.sayings.get(record.sayingId);
    if (current) {
      const up = record.feedbackType === 'POSITIVE' ? 1 : 0;
      this.state.sayings.set(current.id, { ...current, upvotes: current.upvotes - up, downvotes: current.downvotes - (1 - up) });
    }
    this.state.feedback.delete(record.id);
    this.state.voteKeys.delete(record.idempotencyKey);
  }

  list(range: TimeRange): Promise<readonly FeedbackRecord[]> {
    return Promise.resolve([...this.state.feedback.values()].filter((f) => f.at >= range.from && f.at <= range.to));
  }
}

const countsOf = (s: { upvotes: number; downvotes: number }) => ({ upvotes: s.upvotes, downvotes: s.downvotes });
