import fc from 'fast-check';
import type { RandomFn } from '../../src/domain/shared/random';

/** A uniform draw in [0, 1), as a RandomFn would return. */
export const unitDouble = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Values for a RandomFn; turn them into one inside the property with {@link cycling}, so reruns start afresh. */
export const randomValues = fc.array(unitDouble, { minLength: 1, maxLength: 64 });

/** A deterministic RandomFn that returns `values` in turn, round and round. */
export function cycling(values: readonly number[]): RandomFn {
  let i = 0;
  return () => {
    const v = values[i % values.length] ?? 0;
    i++;
    return v;
  };
}

/** A small deterministic PRNG (mulberry32) for long multi-round simulations driven by an fc seed. */
export function seeded(seed: number): RandomFn {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lower-case words, readable in counterexamples. */
export const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 10 });

/** Short distinct ids. */
export const ids = (opts: { minLength?: number; maxLength?: number } = {}) =>
  fc.uniqueArray(fc.string({ unit: fc.constantFrom(...'abcdefghij'), minLength: 1, maxLength: 3 }), {
    minLength: opts.minLength ?? 0,
    maxLength: opts.maxLength ?? 20,
  });

export const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
