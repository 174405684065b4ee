export interface RatePolicy {
  /** Tokens allowed in a burst: requests, or model tokens for a tokens-per-minute limit. */
  readonly limit: number;
  /** Over which the limit refills. */
  readonly windowMs: number;
}

export interface RateDecision {
  /** Whether this bucket held enough for the take. */
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** 0 when allowed; else how long until enough is back. */
  readonly retryAfterMs: number;
  /** How long until the bucket is full again. */
  readonly resetMs: number;
}

/** One bucket's part of an all-or-nothing take. */
export interface RateTake {
  readonly key: string;
  readonly policy: RatePolicy;
  /** How many tokens this request costs in this bucket (≥ 0). */
  readonly tokens: number;
}

export interface RateDecisions {
  /** True when every bucket held enough; only then was anything taken, from all of them. */
  readonly allowed: boolean;
  /** One per take, in order. */
  readonly decisions: readonly RateDecision[];
}

/**
 * Token buckets. A take of more than `limit` tokens is never allowed (its retryAfterMs is what the wait would be
 * if the bucket could hold it): callers refuse such a request outright.
 */
export interface RateLimiter {
  /** Takes `tokens` (default 1) from one bucket if it holds them. */
  take(key: string, policy: RatePolicy, tokens?: number): Promise<RateDecision>;
  /** Takes from every bucket or from none, atomically (a request's RPM and TPM). */
  takeAll(takes: readonly RateTake[]): Promise<RateDecisions>;
  /**
   * Puts back `tokens` a caller took for work that was then not done, up to the bucket's limit. Best effort: while
   * a shared store is unavailable they go to wherever takes go meanwhile, so a give-back only ever errs towards
   * charging.
   */
  giveBack(key: string, policy: RatePolicy, tokens: number): Promise<void>;
}

export class RateLimiterError extends Error {
  override readonly name = 'RateLimiterError';
}
