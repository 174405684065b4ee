export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /** A random UUID v4, for ids. */
  uuid(): string;
}
