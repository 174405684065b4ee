/**
 * How the sync path's one deadline (seed 002: 3 s) is shared (ADR 0017). Storage reads and the cache come
 * off the top as they happen; `writeReserveMs` stays back for saving the turn and answering; the first model
 * call leaves `retryReserveMs` for the one retry, unless less than `minAttemptMs` would then be its own.
 */
export interface DeadlineSplit {
  readonly retryReserveMs: number;
  readonly writeReserveMs: number;
  /** A call given less than this is not worth starting. */
  readonly minAttemptMs: number;
}

/** Milliseconds the first call may take, or 0 when there is no time to start one. */
export function firstAttemptMs(nowMs: number, deadlineMs: number, split: DeadlineSplit, modelTimeoutMs: number): number {
  const usable = deadlineMs - split.writeReserveMs - nowMs;
  if (usable < split.minAttemptMs) return 0;
  const leavingRetry = usable - split.retryReserveMs;
  const budget = leavingRetry >= split.minAttemptMs ? leavingRetry : usable;
  return Math.floor(Math.max(0, Math.min(budget, modelTimeoutMs)));
}

/** Milliseconds the retry may take, or 0 when what is left is too short to start one. */
export function retryAttemptMs(nowMs: number, deadlineMs: number, split: DeadlineSplit, modelTimeoutMs: number): number {
  const usable = deadlineMs - split.writeReserveMs - nowMs;
  if (usable < split.minAttemptMs) return 0;
  return Math.floor(Math.min(usable, modelTimeoutMs));
}
