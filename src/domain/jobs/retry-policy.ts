import { backoffDelay, type BackoffPolicy } from '../limits/backoff';
import type { RandomFn } from '../shared/random';

export interface JobRetryPolicy extends BackoffPolicy {
  /** Deliveries of one message before the queue moves it to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/** The delivery with this receive count is the last one the queue makes before dead-lettering. */
export const isLastDelivery = (receiveCount: number, policy: Pick<JobRetryPolicy, 'maxReceiveCount'>): boolean =>
  receiveCount >= policy.maxReceiveCount;

/**
 * How long a failed delivery stays invisible before the next: full-jitter exponential backoff on the receive
 * count (1 → base, 2 → 2·base, …, capped), never sooner than a provider's Retry-After, and never past the cap
 * by more than that Retry-After asks. Errors that will fail again anyway (not retryable) come back at once, so
 * that the message reaches the dead-letter queue without waiting.
 */
export function retryDelayMs(
  receiveCount: number,
  retryable: boolean,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy,
  random: RandomFn,
): number {
  if (!retryable) return 0;
  return backoffDelay(policy, Math.max(0, receiveCount - 1), retryAfterMs, random);
}
