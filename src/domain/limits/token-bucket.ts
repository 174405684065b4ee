/** A token bucket: `capacity` tokens at once, refilled evenly over `windowMs`. */
export interface BucketPolicy {
  readonly capacity: number;
  readonly windowMs: number;
}

export interface BucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

export interface BucketDecision {
  /** Whether this bucket held enough tokens for the take. */
  readonly allowed: boolean;
  readonly state: BucketState;
  readonly remaining: number;
  /** When not allowed: how long until enough tokens are back; never negative. */
  readonly retryAfterMs: number;
  /** How long until the bucket is full again (OpenAI's `x-ratelimit-reset-*`); never negative. */
  readonly resetMs: number;
}

export const fullBucket = (policy: BucketPolicy, now: number): BucketState => ({ tokens: policy.capacity, updatedAt: now });

/** Float refill can land a hair under a whole token at exactly the promised time. */
const SLACK = 1e-9;

interface Refilled {
  readonly tokens: number;
  readonly updatedAt: number;
  readonly rate: number;
}

/**
 * A clock that goes backwards refills nothing and never makes time negative, so skew can neither grant extra
 * tokens nor produce a negative wait.
 */
function refill(policy: BucketPolicy, state: BucketState, now: number): Refilled {
  const rate = policy.capacity / policy.windowMs;
  const elapsed = Math.max(0, now - state.updatedAt);
  return { tokens: Math.min(policy.capacity, state.tokens + elapsed * rate), updatedAt: Math.max(now, state.updatedAt), rate };
}

const enough = (tokens: number, cost: number): boolean => tokens >= cost - SLACK;

function decide(policy: BucketPolicy, r: Refilled, cost: number, take: boolean): BucketDecision {
  const had = enough(r.tokens, cost);
  const left = take ? Math.max(0, r.tokens - cost) : r.tokens;
  return {
    allowed: had,
    state: { tokens: left, updatedAt: r.updatedAt },
    remaining: Math.floor(left),
    retryAfterMs: had ? 0 : Math.max(0, Math.ceil((cost - r.tokens) / r.rate)),
    resetMs: Math.max(0, Math.ceil((policy.capacity - left) / r.rate)),
  };
}

/**
 * Takes `cost` tokens (1 by default) if the bucket holds them. A cost above the capacity is never allowed; its
 * retryAfterMs is what the wait would be if the bucket could hold it, so callers should refuse such a request
 * outright rather than ask the client to wait.
 */
export function takeTokens(policy: BucketPolicy, state: BucketState, now: number, cost = 1): BucketDecision {
  const r = refill(policy, state, now);
  return decide(policy, r, cost, enough(r.tokens, cost));
}

/**
 * Puts back `tokens` taken for work that was then not done (a refused job), never above the capacity: a bucket
 * refilled in the meantime gains only what it lacks.
 */
export function giveBackTokens(policy: BucketPolicy, state: BucketState, now: number, tokens: number): BucketState {
  const r = refill(policy, state, now);
  return { tokens: Math.min(policy.capacity, r.tokens + Math.max(0, tokens)), updatedAt: r.updatedAt };
}

/** Takes one token if there is one. */
export function takeToken(policy: BucketPolicy, state: BucketState, now: number): BucketDecision {
  return takeTokens(policy, state, now, 1);
}

export interface BucketTake {
  readonly policy: BucketPolicy;
  readonly state: BucketState;
  readonly cost: number;
}

export interface CombinedDecision {
  /** True when every bucket held enough: only then is anything taken, from all of them. */
  readonly allowed: boolean;
  readonly decisions: readonly BucketDecision[];
}

/**
 * All or nothing across several buckets (a request's RPM and TPM): a request refused by one limit costs the
 * others nothing, so a key throttled on tokens does not also burn its requests.
 */
export function takeFromAll(takes: readonly BucketTake[], now: number): CombinedDecision {
  const refilled = takes.map((t) => ({ take: t, r: refill(t.policy, t.state, now) }));
  const allowed = refilled.every(({ take, r }) => enough(r.tokens, take.cost));
  return { allowed, decisions: refilled.map(({ take, r }) => decide(take.policy, r, take.cost, allowed)) };
}
