import type { FeedbackRecord } from '../domain/feedback/feedback-record';
import type { VoteCounts } from '../domain/feedback/vote';
import type { TimeRange } from '../domain/shared/time-range';

export interface CastVote {
  readonly record: FeedbackRecord;
  /** Digest of the request body: the same idempotency key with another body is a conflict. */
  readonly fingerprint: string;
}

export type VoteOutcome =
  | { readonly kind: 'recorded'; readonly counts: VoteCounts; readonly feedbackId: string }
  | { readonly kind: 'replayed'; readonly counts: VoteCounts; readonly feedbackId: string }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'saying-not-found' };

/**
 * Votes. `castVote` changes the saying's counter and stores the record atomically, once per idempotency
 * key: a replay returns the current counts and changes nothing.
 */
export interface FeedbackRepo {
  castVote(vote: CastVote): Promise<VoteOutcome>;
  list(range: TimeRange): Promise<readonly FeedbackRecord[]>;
}

export class FeedbackRepoError extends Error {
  override readonly name = 'FeedbackRepoError';
}
