/**
 * Money is integer nano-dollars (1e-9 USD): every catalog price is a whole number of them per token, so
 * every cost is exact and sums of costs equal the cost of sums.
 */
export type NanoUsd = number;
export type NanoUsdPerToken = number;

export const NANO_PER_USD = 1_000_000_000;

export class MoneyOverflowError extends Error {
  override readonly name = 'MoneyOverflowError';
}

export function addNano(a: NanoUsd, b: NanoUsd): NanoUsd {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new MoneyOverflowError(`money sum ${a} + ${b} is not a safe integer`);
  return sum;
}

export function sumNano(values: Iterable<NanoUsd>): NanoUsd {
  let total = 0;
  for (const v of values) total = addNano(total, v);
  return total;
}

/** For display only: the exact value stays in nano-dollars (round trips are exact up to 2^51 n$, $2.2M). */
export function nanoToUsd(nano: NanoUsd): number {
  return nano / NANO_PER_USD;
}

/** Whole nano-dollars, rounding half away from zero; used for configured budgets and prices. */
export function usdToNano(usd: number): NanoUsd {
  return Math.sign(usd) * Math.round(Math.abs(usd) * NANO_PER_USD);
}
