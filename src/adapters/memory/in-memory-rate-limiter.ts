import { fullBucket, giveBackTokens, takeFromAll, type BucketState } from '../../domain/limits/token-bucket';
import type { Clock } from '../../ports/clock';
import type { RateDecision, RateDecisions, RateLimiter, RatePolicy, RateTake } from '../../ports/rate-limiter';

/** Token buckets for one process, with a bounded number of tracked keys. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, policy: RatePolicy, tokens = 1): Promise<RateDecision> {
    const { decisions } = await this.takeAll([{ key, policy, tokens }]);
    const [decision] = decisions;
    if (!decision) throw new Error('one take gives one decision');
    return decision;
  }

  /** Synchronous inside: no other take can interleave, so all-or-nothing holds without a lock. */
  takeAll(takes: readonly RateTake[]): Promise<RateDecisions> {
    const now = this.clock.monotonicMs();
    const buckets = takes.map((t) => {
      const policy = { capacity: t.policy.limit, windowMs: t.policy.windowMs };
      return { policy, state: this.buckets.get(t.key) ?? fullBucket(policy, now), cost: t.tokens };
    });
    const combined = takeFromAll(buckets, now);
    combined.decisions.forEach((d, i) => {
      const key = takes[i]?.key;
      if (key !== undefined) this.remember(key, d.state);
    });
    return Promise.resolve({
      allowed: combined.allowed,
      decisions: combined.decisions.map((d, i) => ({
        allowed: d.allowed,
        limit: takes[i]?.policy.limit ?? 0,
        remaining: d.remaining,
        retryAfterMs: d.retryAfterMs,
        resetMs: d.resetMs,
      })),
    });
  }

  giveBack(key: string, policy: RatePolicy, tokens: number): Promise<void> {
    const state = this.buckets.get(key);
    // A bucket this process no longer tracks reads as full: there is nothing to give back to.
    if (state !== undefined) this.remember(key, giveBackTokens({ capacity: policy.limit, windowMs: policy.windowMs }, state, this.clock.monotonicMs(), tokens));
    return Promise.resolve();
  }

  /** Most recently used last, so the oldest key is the first one the map yields. */
  private remember(key: string, state: BucketState): void {
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    this.buckets.set(key, state);
  }
}
