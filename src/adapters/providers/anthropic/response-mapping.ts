import type { FinishReason, LlmResult, LlmUsage } from '../../../ports/llm-provider';
import { invalidResponse } from '../shared/classify';

export const ANTHROPIC = 'anthropic';

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const STOP_REASONS: ReadonlyMap<string, FinishReason> = new Map([
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['refusal', 'content-filter'],
  ['tool_use', 'other'],
  ['pause_turn', 'other'],
]);

/** No reason given is `unknown`; a reason we have no mapping for is still a reason, so `other`. */
export function mapStopReason(raw: string | undefined): FinishReason {
  if (raw === undefined) return 'unknown';
  return STOP_REASONS.get(raw) ?? 'other';
}

export const rawStopReason = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const tokenCount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/** Anthropic counts prompt tokens served from or written to its cache apart from `input_tokens`; the port wants the whole prompt. */
export function inputTokensOf(usage: unknown): number | undefined {
  if (!isRecord(usage)) return undefined;
  const input = tokenCount(usage.input_tokens);
  if (input === undefined) return undefined;
  return input + (tokenCount(usage.cache_creation_input_tokens) ?? 0) + (tokenCount(usage.cache_read_input_tokens) ?? 0);
}

export function mapUsage(usage: unknown): LlmUsage {
  return { inputTokens: inputTokensOf(usage), outputTokens: isRecord(usage) ? tokenCount(usage.output_tokens) : undefined };
}

/** The text of a content block, or undefined for blocks that are not text (tool use, thinking). */
export function textOf(block: unknown): string | undefined {
  return isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;
}

/** A parsed Messages body (which the SDK does not validate) as a result. */
export function fromMessage(body: unknown): LlmResult {
  if (!isRecord(body) || !Array.isArray(body.content)) throw invalidResponse(ANTHROPIC, 'the message has no content', body);
  const text = body.content.map((block) => textOf(block) ?? '').join('');
  const raw = rawStopReason(body.stop_reason);
  return { text, usage: mapUsage(body.usage), finishReason: mapStopReason(raw), rawFinishReason: raw };
}
