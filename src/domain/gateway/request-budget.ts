import type { ModelSpec } from '../catalog/model-catalog';
import { costOf } from '../cost/cost';
import type { NanoUsd } from '../cost/money';
import { estimateTokens, utf8Length } from '../limits/token-estimate';

/** Tokens a chat format adds around each message and before the answer (OpenAI's documented overhead). */
const PER_MESSAGE_TOKENS = 4;
const PRIMING_TOKENS = 3;

/** A tokenizer-free, script-aware estimate of a prompt's input tokens (seed 002): Latin dense, CJK and the rest not. */
export function estimatePromptTokens(messages: readonly { readonly content: string }[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + PER_MESSAGE_TOKENS, PRIMING_TOKENS);
}

/** The most input tokens a prompt can cost: a byte-level tokenizer makes at most one token a UTF-8 byte. */
export function maxPromptTokens(messages: readonly { readonly content: string }[]): number {
  return messages.reduce((sum, m) => sum + utf8Length(m.content) + PER_MESSAGE_TOKENS, PRIMING_TOKENS);
}

/** The most output a model may be asked for through the gateway. */
export const outputLimit = (model: Pick<ModelSpec, 'maxTokens' | 'maxOutputTokens'>): number => model.maxOutputTokens ?? model.maxTokens;

/**
 * The output budget of a request: what it asked for, clamped to the model's limit; the configured default
 * (also clamped) when it asked for nothing, so that limits and budgets reserve a bounded amount.
 */
export function effectiveMaxTokens(requested: number | undefined, model: Pick<ModelSpec, 'maxTokens' | 'maxOutputTokens'>, fallback: number): number {
  return Math.max(1, Math.min(requested ?? fallback, outputLimit(model)));
}

export interface RequestEstimate {
  /** What the prompt is expected to use; recorded as its usage when a provider reports none. */
  readonly inputTokens: number;
  /** Input plus the whole output budget: what the request is charged against a tokens-per-minute limit. */
  readonly rateTokens: number;
  /**
   * The most the request can cost — its prompt's byte bound at the input price plus the whole output budget at
   * the output price — held against a budget, so that no request, alone or racing others, spends past it.
   */
  readonly reserveNano: NanoUsd;
}

/**
 * What a request is expected to use and what it may cost at most, before it is sent. A rate limit may be
 * approximate, so it takes the estimate; a budget may not be exceeded, so it holds the bound: a prompt in Thai or
 * Cyrillic, or random-looking ASCII, can cost several times the estimate, and a reservation that only held the
 * estimate would let each such request overspend by the difference (FAULTS.md #25). The output side is exact,
 * since the model cannot exceed `maxTokens`.
 */
export function estimateRequest(model: Pick<ModelSpec, 'inputPrice' | 'outputPrice'>, messages: readonly { readonly content: string }[], maxTokens: number): RequestEstimate {
  const inputTokens = estimatePromptTokens(messages);
  return {
    inputTokens,
    rateTokens: inputTokens + maxTokens,
    reserveNano: costOf(model, { inputTokens: maxPromptTokens(messages), outputTokens: maxTokens }) ?? 0,
  };
}
