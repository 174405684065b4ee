import { LlmProviderError, type LlmStreamEvent } from '../../../ports/llm-provider';
import { fromTransportFailure, invalidResponse } from '../shared/classify';
import { ANTHROPIC, inputTokensOf, isRecord, mapStopReason, rawStopReason, textOf, tokenCount } from './response-mapping';

export interface EventReading {
  readonly text?: string;
  readonly stopReason?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/**
 * One parsed stream event. Input tokens come with message_start (message_delta may restate them);
 * output tokens only from message_delta, which carries the final count (message_start's is a placeholder).
 */
export function readEvent(event: unknown): EventReading {
  if (!isRecord(event) || typeof event.type !== 'string') throw invalidResponse(ANTHROPIC, 'a stream event has no type', event);
  switch (event.type) {
    case 'message_start': {
      const inputTokens = inputTokensOf(isRecord(event.message) ? event.message.usage : undefined);
      return inputTokens === undefined ? {} : { inputTokens };
    }
    case 'content_block_start': {
      const text = textOf(event.content_block);
      return text ? { text } : {};
    }
    case 'content_block_delta': {
      const delta = isRecord(event.delta) ? event.delta : {};
      return delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '' ? { text: delta.text } : {};
    }
    case 'message_delta': {
      const stopReason = isRecord(event.delta) ? rawStopReason(event.delta.stop_reason) : undefined;
      const inputTokens = inputTokensOf(event.usage);
      const outputTokens = isRecord(event.usage) ? tokenCount(event.usage.output_tokens) : undefined;
      return {
        ...(stopReason === undefined ? {} : { stopReason }),
        ...(inputTokens === undefined ? {} : { inputTokens }),
        ...(outputTokens === undefined ? {} : { outputTokens }),
      };
    }
    default:
      return {};
  }
}

/**
 * Events as port events: deltas as they arrive, then one `finish`. The SDK ends an aborted stream quietly,
 * so the signal is checked here; a stream that ends with no stop reason was cut short and is retryable.
 */
export async function* toStreamEvents(events: AsyncIterable<unknown>, signal: AbortSignal | undefined): AsyncGenerator<LlmStreamEvent> {
  let stopReason: string | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  for await (const event of events) {
    if (signal?.aborted) throw fromTransportFailure(ANTHROPIC, signal.reason, signal);
    const reading = readEvent(event);
    if (reading.text !== undefined) yield { type: 'text-delta', text: reading.text };
    stopReason = reading.stopReason ?? stopReason;
    inputTokens = reading.inputTokens ?? inputTokens;
    outputTokens = reading.outputTokens ?? outputTokens;
  }
  if (signal?.aborted) throw fromTransportFailure(ANTHROPIC, signal.reason, signal);
  if (stopReason === undefined) {
    throw new LlmProviderError('unavailable', `${ANTHROPIC} stream ended before a stop reason`, { provider: ANTHROPIC });
  }
  yield { type: 'finish', usage: { inputTokens, outputTokens }, finishReason: mapStopReason(stopReason), rawFinishReason: stopReason };
}
