export interface Clock {
  /** Wall-clock time, epoch milliseconds. */
  now(): number;
  /** A monotonic reading in milliseconds, for measuring durations only. */
  monotonicMs(): number;
}
