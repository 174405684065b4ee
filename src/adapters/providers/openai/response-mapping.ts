import type { FinishReason, LlmResult, LlmUsage } from '../../../ports/llm-provider';
import { invalidResponse } from '../shared/classify';

export const OPENAI = 'openai';

/** OpenAI itself, when no base URL is configured. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FINISH_REASONS: ReadonlyMap<string, FinishReason> = new Map([
  ['stop', 'stop'],
  ['length', 'length'],
  ['content_filter', 'content-filter'],
  ['tool_calls', 'other'],
  ['function_call', 'other'],
]);

/** No reason given is `unknown`; a reason we have no mapping for is still a reason, so `other`. */
export function mapFinishReason(raw: string | undefined): FinishReason {
  if (raw === undefined) return 'unknown';
  return FINISH_REASONS.get(raw) ?? 'other';
}

export const rawFinishReason = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const tokenCount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

export const UNKNOWN_USAGE: LlmUsage = { inputTokens: undefined, outputTokens: undefined };

export function mapUsage(usage: unknown): LlmUsage {
  if (!isRecord(usage)) return UNKNOWN_USAGE;
  return { inputTokens: tokenCount(usage.prompt_tokens), outputTokens: tokenCount(usage.completion_tokens) };
}

/** The first choice; compatible servers do not always number it. */
export function firstChoice(choices: readonly unknown[]): unknown {
  return choices.find((c) => isRecord(c) && c.index === 0) ?? choices[0];
}

/** A parsed Chat Completion body (which the SDK does not validate) as a result. */
export function fromChatCompletion(body: unknown): LlmResult {
  if (!isRecord(body) || !Array.isArray(body.choices)) throw invalidResponse(OPENAI, 'the completion has no choices', body);
  const choice = firstChoice(body.choices);
  if (!isRecord(choice) || !isRecord(choice.message)) throw invalidResponse(OPENAI, 'the completion has no message', body);
  const content = choice.message.content;
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw invalidResponse(OPENAI, 'the message content is not text', body);
  }
  const raw = rawFinishReason(choice.finish_reason);
  return { text: content ?? '', usage: mapUsage(body.usage), finishReason: mapFinishReason(raw), rawFinishReason: raw };
}
