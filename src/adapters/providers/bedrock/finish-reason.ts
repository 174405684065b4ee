import type { FinishReason } from '../../../ports/llm-provider';

/** Converse's `stopReason` and Claude's `stop_reason` share one vocabulary. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  content_filtered: 'content-filter',
  guardrail_intervened: 'content-filter',
  tool_use: 'other',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
};

export function finishReasonOf(raw: string | undefined): FinishReason {
  return (raw !== undefined && FINISH_REASONS[raw]) || 'unknown';
}

/** A token count as reported, or undefined when it is missing or not a count: never an invented zero. */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
