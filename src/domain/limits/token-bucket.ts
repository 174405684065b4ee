/** A token bucket: `capacity` requests at once, refilled evenly over `windowMs`. */
export interface BucketPolicy {
  readonly capacity: number;
  readonly windowMs: number;
}

export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

export interface BucketDecision {
  readonly allowed: boolean;
  readonly state: BucketState;
  readonly remaining: number;
  /** When not allowed: how long until one token is back; never negative. */
  readonly retryAfterMs: number;
}

export const fullBucket = (policy: BucketPolicy, now: number): BucketState => ({ tokens: policy.capacity, updatedAt: now });

/**
 * Takes one token if there is one. A clock that goes backwards refills nothing and never makes time
 * negative, so skew can neither grant extra requests nor produce a negative wait.
 */
export function takeToken(policy: BucketPolicy, state: BucketState, now: number): BucketDecision {
  const rate = policy.capacity / policy.windowMs;
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(policy.capacity, state.tokens + elapsed * rate);
  const updatedAt = Math.max(now, state.updatedAt);
  // Float refill can land a hair under a whole token at exactly the promised time.
  if (tokens >= 1 - 1e-9) {
    const left = Math.max(0, tokens - 1);
    return { allowed: true, state: { tokens: left, updatedAt }, remaining: Math.floor(left), retryAfterMs: 0 };
  }
  return {
    allowed: false,
    state: { tokens, updatedAt },
    remaining: 0,
    retryAfterMs: Math.max(0, Math.ceil((1 - tokens) / rate)),
  };
}
