import type { RandomFn } from '../shared/random';

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Capped exponential backoff with full jitter (uniform in [0, min(cap, base·2^attempt)]), raised to the
 * server's Retry-After when it asked for longer. `attempt` counts from 0.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, retryAfterMs: number | undefined, random: RandomFn): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Whether another attempt fits: it must start after `delayMs` and still leave room before the deadline. */
export function fitsDeadline(nowMs: number, delayMs: number, deadlineMs: number, minAttemptMs: number): boolean {
  return nowMs + delayMs + minAttemptMs <= deadlineMs;
}
