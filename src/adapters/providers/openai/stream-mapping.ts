import { LlmProviderError, type LlmStreamEvent, type LlmUsage } from '../../../ports/llm-provider';
import { fromTransportFailure, invalidResponse } from '../shared/classify';
import { firstChoice, isRecord, mapFinishReason, mapUsage, OPENAI, rawFinishReason, UNKNOWN_USAGE } from './response-mapping';

export interface ChunkReading {
  readonly text: string | undefined;
  readonly finishReason: string | undefined;
  readonly usage: LlmUsage | undefined;
}

/** One parsed `chat.completion.chunk`. Usage comes on its own last chunk, with no choices. */
export function readChunk(chunk: unknown): ChunkReading {
  if (!isRecord(chunk)) throw invalidResponse(OPENAI, 'a stream chunk is not an object', chunk);
  const choices = chunk.choices ?? [];
  if (!Array.isArray(choices)) throw invalidResponse(OPENAI, 'a stream chunk has malformed choices', chunk);
  const choice = firstChoice(choices);
  const delta = isRecord(choice) && isRecord(choice.delta) ? choice.delta : undefined;
  const text = typeof delta?.content === 'string' && delta.content !== '' ? delta.content : undefined;
  return {
    text,
    finishReason: isRecord(choice) ? rawFinishReason(choice.finish_reason) : undefined,
    usage: isRecord(chunk.usage) ? mapUsage(chunk.usage) : undefined,
  };
}

/**
 * Chunks as port events: deltas as they arrive, then one `finish`. The SDK ends an aborted stream quietly,
 * so the signal is checked here; a stream that ends with no finish reason was cut short and is retryable.
 */
export async function* toStreamEvents(chunks: AsyncIterable<unknown>, signal: AbortSignal | undefined): AsyncGenerator<LlmStreamEvent> {
  let finishReason: string | undefined;
  let usage = UNKNOWN_USAGE;
  for await (const chunk of chunks) {
    if (signal?.aborted) throw fromTransportFailure(OPENAI, signal.reason, signal);
    const reading = readChunk(chunk);
    if (reading.text !== undefined) yield { type: 'text-delta', text: reading.text };
    finishReason = reading.finishReason ?? finishReason;
    usage = reading.usage ?? usage;
  }
  if (signal?.aborted) throw fromTransportFailure(OPENAI, signal.reason, signal);
  if (finishReason === undefined) {
    throw new LlmProviderError('unavailable', `${OPENAI} stream ended before a finish reason`, { provider: OPENAI });
  }
  yield { type: 'finish', usage, finishReason: mapFinishReason(finishReason), rawFinishReason: finishReason };
}
