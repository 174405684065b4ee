import type { ModelSpec } from '../catalog/model-catalog';
import { addNano, type NanoUsd } from './money';

export interface TokenUsage {
  /** Unknown stays undefined: never an invented zero. */
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
}

export function totalTokens(usage: TokenUsage): number | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  return (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

/** Cost of one call; undefined when the usage is unknown in both directions. */
export function costOf(model: Pick<ModelSpec, 'inputPrice' | 'outputPrice'>, usage: TokenUsage): NanoUsd | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  const input = (usage.inputTokens ?? 0) * model.inputPrice;
  const output = (usage.outputTokens ?? 0) * model.outputPrice;
  return addNano(input, output);
}

/**
 * Splits a whole number (a cost in nano-dollars, a token count) into `parts` whole shares that add up to
 * the total exactly: the remainder goes one unit at a time to the first shares.
 */
export function splitEvenly(total: number, parts: number): readonly number[] {
  if (parts <= 0) return [];
  const base = Math.floor(total / parts);
  const remainder = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}
