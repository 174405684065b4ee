import { LlmProviderError, type LlmStreamEvent } from '../../../ports/llm-provider';
import { fromTransportFailure } from '../shared/classify';
import { finishReasonOf } from './finish-reason';

/** What one vendor stream event contributes; a later count replaces an earlier one. */
export interface StreamPiece {
  readonly text?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly stopReason?: string;
}

/**
 * Turns a vendor event stream into text deltas and one final `finish` event. The SDK keeps delivering
 * events it already buffered after the signal fires, so the signal is checked between events.
 */
export async function* streamEvents<E>(
  events: AsyncIterable<E> | undefined,
  pieceOf: (event: E) => StreamPiece,
  signal: AbortSignal | undefined,
): AsyncIterable<LlmStreamEvent> {
  if (!events) throw new LlmProviderError('invalid-response', 'bedrock sent an invalid response: no event stream', { provider: 'bedrock' });
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let stopReason: string | undefined;
  for await (const event of events) {
    if (signal?.aborted) throw fromTransportFailure('bedrock', signal.reason, signal);
    const piece = pieceOf(event);
    inputTokens = piece.inputTokens ?? inputTokens;
    outputTokens = piece.outputTokens ?? outputTokens;
    stopReason = piece.stopReason ?? stopReason;
    if (piece.text) yield { type: 'text-delta', text: piece.text };
  }
  if (signal?.aborted) throw fromTransportFailure('bedrock', signal.reason, signal);
  // A stream that ends without its stop event was cut short, as a broken connection would.
  if (stopReason === undefined) throw new LlmProviderError('unavailable', 'bedrock stream ended before its stop event', { provider: 'bedrock' });
  yield { type: 'finish', usage: { inputTokens, outputTokens }, finishReason: finishReasonOf(stopReason), rawFinishReason: stopReason };
}
