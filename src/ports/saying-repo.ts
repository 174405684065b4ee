import type { Vendor } from '../domain/catalog/model-catalog';
import type { Saying } from '../domain/sayings/saying';

export interface VotedFilter {
  readonly vendor: Vendor | undefined;
  readonly model: string | undefined;
}

/** The stored sayings: the collection and every generated saying that was served. */
export interface SayingRepo {
  get(id: string): Promise<Saying | undefined>;
  /** Stores a saying unless one with its id exists; counters are never reset by it. */
  putIfAbsent(saying: Saying): Promise<void>;
  /** Every saying of the original collection. */
  listCollection(): Promise<readonly Saying[]>;
  /** Sayings with at least one vote, for ranking. */
  listVoted(filter: VotedFilter): Promise<readonly Saying[]>;
  count(): Promise<number>;
}

export class SayingRepoError extends Error {
  override readonly name = 'SayingRepoError';
}
