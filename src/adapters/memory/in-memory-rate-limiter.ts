import { fullBucket, takeToken, type BucketState } from '../../domain/limits/token-bucket';
import type { Clock } from '../../ports/clock';
import type { RateDecision, RateLimiter, RatePolicy } from '../../ports/rate-limiter';

/** Token buckets for one process, with a bounded number of tracked keys. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, policy: RatePolicy): Promise<RateDecision> {
    const bucketPolicy = { capacity: policy.limit, windowMs: policy.windowMs };
    const now = this.clock.monotonicMs();
    const decision = takeToken(bucketPolicy, this.buckets.get(key) ?? fullBucket(bucketPolicy, now), now);
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    this.buckets.set(key, decision.state);
    return Promise.resolve({ allowed: decision.allowed, limit: policy.limit, remaining: decision.remaining, retryAfterMs: decision.retryAfterMs });
  }
}
