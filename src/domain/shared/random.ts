/** A source of uniform numbers in [0, 1), handed in by the caller so that the domain stays pure. */
export type RandomFn = () => number;

/** A uniform index in [0, length). */
export function pickIndex(length: number, random: RandomFn): number {
  const index = Math.floor(random() * length);
  return Math.min(Math.max(index, 0), length - 1);
}
