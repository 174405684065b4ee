import type { ChatSession } from '../../domain/chat/chat-session';
import type { FeedbackRecord } from '../../domain/feedback/feedback-record';
import type { Saying } from '../../domain/sayings/saying';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import { JobsMemory, type JobChange } from './jobs-memory';

/** A change to the state, in the form a journal stores it: each record carries whole entities by id. */
export type StateChange =
  | { readonly t: 'saying'; readonly saying: Saying }
  | { readonly t: 'vote'; readonly saying: Saying; readonly feedback: FeedbackRecord; readonly fingerprint: string }
  | { readonly t: 'usage'; readonly entry: UsageEntry }
  | { readonly t: 'session'; readonly session: ChatSession }
  | JobChange;

/**
 * Where changes go to outlive the process. `durable` writes resolve once on disk; the others may be
 * written behind.
 */
export interface ChangeJournal {
  write(change: StateChange, durable: boolean): Promise<void>;
}

export const noJournal: ChangeJournal = { write: () => Promise.resolve() };

export interface VoteKey {
  readonly fingerprint: string;
  readonly feedbackId: string;
  /** Settles when the vote that used the key is durable: a replay must not be acknowledged before it. */
  readonly durable: Promise<void>;
}

/** The state the in-memory adapters share, so that a vote changes a saying and stores a record at once. */
export class MemoryState {
  readonly sayings = new Map<string, Saying>();
  readonly feedback = new Map<string, FeedbackRecord>();
  readonly voteKeys = new Map<string, VoteKey>();
  readonly usage: UsageEntry[] = [];
  readonly sessions = new Map<string, ChatSession>();
  readonly jobs = new JobsMemory();

  constructor(
    readonly journal: ChangeJournal = noJournal,
    readonly maxUsageEntries = 200_000,
  ) {}

  /** Applies a journal record; used when replaying, so it must be idempotent. */
  apply(change: StateChange | { readonly t: 'feedback'; readonly feedback: FeedbackRecord; readonly fingerprint: string }): void {
    switch (change.t) {
      case 'saying':
        this.sayings.set(change.saying.id, change.saying);
        break;
      case 'vote':
        this.sayings.set(change.saying.id, change.saying);
        this.addFeedback(change.feedback, change.fingerprint, Promise.resolve());
        break;
      case 'feedback':
        this.addFeedback(change.feedback, change.fingerprint, Promise.resolve());
        break;
      case 'usage':
        this.addUsage(change.entry);
        break;
      case 'session':
        // Whole sessions in write order: the last line is the current version.
        this.sessions.set(change.session.id, change.session);
        break;
      default:
        this.jobs.apply(change);
    }
  }

  addFeedback(record: FeedbackRecord, fingerprint: string, durable: Promise<void>): void {
    this.feedback.set(record.id, record);
    this.voteKeys.set(record.idempotencyKey, { fingerprint, feedbackId: record.id, durable });
  }

  addUsage(entry: UsageEntry): void {
    this.usage.push(entry);
    // Trim in batches so that the cost of dropping old entries is spread thin.
    if (this.usage.length > this.maxUsageEntries * 1.1) this.usage.splice(0, this.usage.length - this.maxUsageEntries);
  }
}
