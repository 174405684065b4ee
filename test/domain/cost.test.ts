import fc from 'fast-check';
import { costOf, splitEvenly, totalTokens, type TokenUsage } from '../../src/domain/cost/cost';
import { MoneyOverflowError, NANO_PER_USD, addNano, nanoToUsd, sumNano, usdToNano } from '../../src/domain/cost/money';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { sum } from './arbitraries';

const prices = fc.oneof(
  fc.constantFrom(...[...buildCatalog().values()].map((m) => ({ inputPrice: m.inputPrice, outputPrice: m.outputPrice }))),
  fc.record({ inputPrice: fc.nat(100_000), outputPrice: fc.nat(100_000) }),
);
const tokens = fc.option(fc.nat(10_000_000), { nil: undefined });
const usage = fc.record({ inputTokens: tokens, outputTokens: tokens });
const safe = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

describe('costOf', () => {
  it('is an exact integer: in × inPrice + out × outPrice, undefined only when both counts are unknown', () => {
    fc.assert(
      fc.property(prices, usage, (model, u) => {
        const cost = costOf(model, u);
        if (u.inputTokens === undefined && u.outputTokens === undefined) {
          expect(cost).toBeUndefined();
          expect(totalTokens(u)).toBeUndefined();
          return;
        }
        expect(Number.isSafeInteger(cost)).toBe(true);
        expect(cost).toBe((u.inputTokens ?? 0) * model.inputPrice + (u.outputTokens ?? 0) * model.outputPrice);
        expect(totalTokens(u)).toBe((u.inputTokens ?? 0) + (u.outputTokens ?? 0));
      }),
    );
  });

  it('is additive in token counts: cost(a + b) = cost(a) + cost(b)', () => {
    const known = fc.record({ inputTokens: fc.nat(10_000_000), outputTokens: fc.nat(10_000_000) });
    fc.assert(
      fc.property(prices, known, known, (model, a, b) => {
        const both: TokenUsage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
        expect(costOf(model, both)).toBe(addNano(costOf(model, a)!, costOf(model, b)!));
      }),
    );
  });

  it('throws MoneyOverflowError rather than return an inexact cost', () => {
    expect(() => costOf({ inputPrice: 1_000_000, outputPrice: 1 }, { inputTokens: Number.MAX_SAFE_INTEGER, outputTokens: 0 })).toThrow(MoneyOverflowError);
  });

  it('examples', () => {
    expect(costOf({ inputPrice: 2_500, outputPrice: 2_500 }, { inputTokens: 100, outputTokens: undefined })).toBe(250_000);
    expect(costOf({ inputPrice: 250, outputPrice: 1_250 }, { inputTokens: 0, outputTokens: 0 })).toBe(0);
  });
});

describe('splitEvenly', () => {
  it('splits a whole number into `parts` shares that add up exactly and differ by at most 1, larger first', () => {
    fc.assert(
      // Costs and token counts are never negative; negatives near -2^53 fall outside (base × parts is unsafe there).
      fc.property(fc.integer({ min: -(2 ** 52), max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 200 }), (total, parts) => {
        const shares = splitEvenly(total, parts);
        expect(shares).toHaveLength(parts);
        expect(shares.every(Number.isSafeInteger)).toBe(true);
        expect(sum(shares)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        for (let i = 1; i < shares.length; i++) expect(shares[i]!).toBeLessThanOrEqual(shares[i - 1]!);
      }),
    );
  });

  it('returns nothing for zero or negative parts', () => {
    fc.assert(fc.property(safe, fc.integer({ min: -100, max: 0 }), (total, parts) => expect(splitEvenly(total, parts)).toEqual([])));
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
  });
});

describe('money', () => {
  it('sumNano equals the plain sum when it stays safe', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 50 }), (values) => {
        expect(sumNano(values)).toBe(values.reduce((s, v) => s + v, 0));
      }),
    );
  });

  it('addNano is exact on safe sums and throws MoneyOverflowError past them', () => {
    fc.assert(
      fc.property(safe, safe, (a, b) => {
        const exact = BigInt(a) + BigInt(b);
        const isSafe = exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= BigInt(Number.MIN_SAFE_INTEGER);
        if (isSafe) expect(BigInt(addNano(a, b))).toBe(exact);
        else expect(() => addNano(a, b)).toThrow(MoneyOverflowError);
      }),
    );
    expect(() => addNano(Number.MAX_SAFE_INTEGER, 1)).toThrow(MoneyOverflowError);
    expect(() => sumNano([Number.MAX_SAFE_INTEGER, 1])).toThrow(MoneyOverflowError);
  });

  it('usdToNano(nanoToUsd(n)) === n for whole nano amounts up to ±2^51 (≈ $2.25M)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), (n) => {
        expect(usdToNano(nanoToUsd(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
    expect(nanoToUsd(NANO_PER_USD)).toBe(1);
    expect(usdToNano(0.0000000025)).toBe(3);
    expect(usdToNano(-0.0000000025)).toBe(-3);
    expect(usdToNano(12.5)).toBe(12_500_000_000);
  });
});
