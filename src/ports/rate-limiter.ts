export interface RatePolicy {
  /** Requests allowed in a burst. */
  readonly limit: number;
  /** Over which the limit refills. */
  readonly windowMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** 0 when allowed. */
  readonly retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string, policy: RatePolicy): Promise<RateDecision>;
}

export class RateLimiterError extends Error {
  override readonly name = 'RateLimiterError';
}
