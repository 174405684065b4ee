import type { ModelSpec } from '../catalog/model-catalog';
import { costOf } from '../cost/cost';
import type { NanoUsd } from '../cost/money';
import { estimateTokens } from '../limits/token-estimate';

/** Tokens a chat format adds around each message and before the answer (OpenAI's documented overhead). */
const PER_MESSAGE_TOKENS = 4;
const PRIMING_TOKENS = 3;

/** A tokenizer-free, CJK-aware estimate of a prompt's input tokens (seed 002). */
export function estimatePromptTokens(messages: readonly { readonly content: string }[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + PER_MESSAGE_TOKENS, PRIMING_TOKENS);
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
  readonly inputTokens: number;
  /** Input plus the whole output budget: what the request is charged against a tokens-per-minute limit. */
  readonly rateTokens: number;
  /** Input at the input price plus the whole output budget at the output price: what is held against a budget. */
  readonly reserveNano: NanoUsd;
}

/**
 * What a request may cost at most, before it is sent. The input side is an estimate (the real tokenizer may
 * count differently); the output side is exact, since the model cannot exceed `maxTokens`.
 */
export function estimateRequest(model: Pick<ModelSpec, 'inputPrice' | 'outputPrice'>, messages: readonly { readonly content: string }[], maxTokens: number): RequestEstimate {
  const inputTokens = estimatePromptTokens(messages);
  return {
    inputTokens,
    rateTokens: inputTokens + maxTokens,
    reserveNano: costOf(model, { inputTokens, outputTokens: maxTokens }) ?? 0,
  };
}
