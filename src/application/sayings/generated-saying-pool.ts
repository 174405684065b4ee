import { addToPool, emptyPool, takeFromPool, type PoolPolicy, type SayingPool } from '../../domain/cache/saying-pool';
import type { Saying } from '../../domain/sayings/saying';
import type { RandomSource } from '../../ports/random-source';

/** This instance's generated sayings waiting to be served; the rules live in the domain pool. */
export class GeneratedSayingPool {
  private pool: SayingPool<Saying> = emptyPool();

  constructor(
    private readonly policy: PoolPolicy,
    private readonly random: RandomSource,
  ) {}

  get size(): number {
    return this.pool.entries.length;
  }

  add(sayings: readonly Saying[], known: ReadonlySet<string>): { added: number; duplicates: number } {
    const outcome = addToPool(this.pool, sayings, this.policy, known);
    this.pool = outcome.pool;
    return { added: outcome.added.length, duplicates: outcome.duplicates };
  }

  take(): Saying | undefined {
    const outcome = takeFromPool(this.pool, () => this.random.next());
    this.pool = outcome.pool;
    return outcome.taken;
  }
}
