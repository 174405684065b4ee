/** Inclusive range of epoch milliseconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}
