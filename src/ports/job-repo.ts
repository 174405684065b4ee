import type { ItemError, ItemGeneration, Job, JobItem } from '../domain/jobs/job';

export type ItemSettlement =
  | { readonly status: 'succeeded'; readonly at: number }
  | { readonly status: 'failed'; readonly at: number; readonly error: ItemError };

/**
 * Job state: a header and its items. Every write is per item and idempotent, so that a redelivered message
 * (at least once) changes nothing twice: a succeeded item stays succeeded, a kept generation is never
 * replaced, a text claim has one owner.
 */
export interface JobRepo {
  /**
   * Stores a new job with all its items pending — unless a job with its id exists: then nothing of it is changed
   * (not its items, not their progress) and the answer is `exists`. Two racing creates of one id: one `created`.
   */
  create(job: Job): Promise<'created' | 'exists'>;
  /** Notes that the job's items were handed to the queue; the first time counts, later calls change nothing. */
  markQueued(jobId: string, at: number): Promise<void>;
  /** The job with its items in index order; undefined when unknown or expired. */
  get(jobId: string): Promise<Job | undefined>;
  getItem(jobId: string, index: number): Promise<JobItem | undefined>;
  /**
   * A delivery starts work on the item: attempts + 1, and a failed item (redriven) becomes pending again.
   * A succeeded item is left as it is. Returns the item after the change, undefined when unknown.
   */
  beginAttempt(jobId: string, index: number, at: number): Promise<JobItem | undefined>;
  /** Keeps `generation` unless the item already has one; returns the one kept (first writer wins). */
  keepGeneration(jobId: string, index: number, generation: ItemGeneration): Promise<ItemGeneration>;
  /**
   * Claims normalised texts for this item within the job; one flag per text: true when the item owns it (now
   * or from an earlier delivery), false when another item of the job claimed it first.
   */
  claimTexts(jobId: string, index: number, normalizedTexts: readonly string[]): Promise<readonly boolean[]>;
  /** Records an error without settling the item (it will be retried). Ignored on a succeeded item. */
  recordError(jobId: string, index: number, error: ItemError): Promise<void>;
  /** Settles the item. A succeeded item is never changed again. */
  settle(jobId: string, index: number, settlement: ItemSettlement): Promise<void>;
}

export class JobRepoError extends Error {
  override readonly name = 'JobRepoError';
}
