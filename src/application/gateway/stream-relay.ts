import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { estimateTokens } from '../../domain/limits/token-estimate';
import type { Clock } from '../../ports/clock';
import type { LlmStreamEvent } from '../../ports/llm-provider';
import type { ChatStreamEvent, Completion, CompletionUsage, GatewayFailure } from './chat-request';
import { isProviderError, upstreamFailure } from './upstream-failure';

export interface RelayContext {
  readonly spec: ModelSpec;
  readonly inputEstimate: number;
  readonly signal: AbortSignal | undefined;
  readonly clock: Clock;
  readonly startedMs: number;
  readonly llmStartedMs: number;
  /** Called once the stream completed normally, before its finish event goes out. */
  readonly completed: (completion: Completion) => Promise<void>;
  /**
   * Called exactly once however the stream ends: completed, failed, or abandoned by the client. It starts the
   * settlement and returns at once — the caller tracks it — so that `[DONE]` waits for no storage write.
   */
  readonly settle: (end: StreamEnd) => void;
  readonly logFailure: (error: unknown) => void;
}

export interface StreamEnd {
  /** What was produced; undefined when nothing was. */
  readonly usage: CompletionUsage | undefined;
  readonly llmLatencyMs: number;
  readonly latencyMs: number;
  readonly errorCode: string | undefined;
  readonly partial: boolean;
}

/**
 * The provider's events passed on as they arrive — one delta in, one delta out, nothing held back — with the
 * usage settled however the stream ends. A failure after the first delta becomes an in-band `error` event (the
 * HTTP status went out with the headers); a client that left gets nothing more, and what it was sent is charged.
 * The settlement is started, not awaited: the stream's end is not held back for the usage line and the key's spend.
 */
export async function* relayStream(
  iterator: AsyncIterator<LlmStreamEvent>,
  first: IteratorResult<LlmStreamEvent>,
  ctx: RelayContext,
): AsyncGenerator<ChatStreamEvent> {
  let text = '';
  let finished = false;
  let errorCode: string | undefined;
  let reported: Extract<LlmStreamEvent, { type: 'finish' }>['usage'] | undefined;
  try {
    for (let next = first; !next.done; next = await iterator.next()) {
      const event = next.value;
      if (event.type === 'text-delta') {
        text += event.text;
        yield { type: 'delta', text: event.text };
        continue;
      }
      reported = event.usage;
      const completion: Completion = { text, finishReason: event.finishReason, usage: usageOf(reported, ctx.inputEstimate, text) };
      await ctx.completed(completion);
      finished = true;
      yield { type: 'finish', finishReason: completion.finishReason, usage: completion.usage };
      return;
    }
    errorCode = 'upstream_invalid_response';
    yield { type: 'error', failure: { code: 'upstream_invalid_response', param: undefined, message: 'The provider ended the stream without finishing it.' } };
  } catch (error) {
    if (ctx.signal?.aborted) {
      errorCode = 'client_closed';
      return;
    }
    if (!isProviderError(error)) ctx.logFailure(error);
    const failure: GatewayFailure = isProviderError(error)
      ? upstreamFailure(error, error.details.provider, ctx.spec.key)
      : { code: 'upstream_unavailable', param: undefined, message: 'The stream failed on our side; the request id identifies it in our logs.' };
    errorCode = failure.code;
    yield { type: 'error', failure };
  } finally {
    // Reached also when the consumer stops early: let go of the upstream stream before settling.
    if (!finished) await iterator.return?.().catch(() => undefined);
    const now = ctx.clock.monotonicMs();
    ctx.settle({
      usage: finished || text !== '' ? usageOf(reported, ctx.inputEstimate, text) : undefined,
      llmLatencyMs: now - ctx.llmStartedMs,
      latencyMs: now - ctx.startedMs,
      errorCode: finished ? undefined : (errorCode ?? 'client_closed'),
      partial: !finished,
    });
  }
}

/**
 * A cached answer as a stream: all of its text in one delta, then the finish; its settlement started when the
 * replay ends, as a live stream's is, so neither its first byte nor its `[DONE]` waits for a storage write. A
 * client that left before the finish is recorded as `client_closed`.
 */
export async function* replayCompletion(completion: Completion, settle: (end: { readonly finished: boolean }) => void): AsyncGenerator<ChatStreamEvent> {
  let finished = false;
  try {
    yield { type: 'delta', text: completion.text };
    yield { type: 'finish', finishReason: completion.finishReason, usage: completion.usage };
    finished = true;
  } finally {
    settle({ finished });
  }
}

/** The provider's counts where it gave them; our estimate where not, marked as such. */
export function usageOf(
  reported: { readonly inputTokens: number | undefined; readonly outputTokens: number | undefined } | undefined,
  inputEstimate: number,
  text: string,
): Completion['usage'] {
  const input = reported?.inputTokens;
  const output = reported?.outputTokens;
  return { promptTokens: input ?? inputEstimate, completionTokens: output ?? estimateTokens(text), estimated: input === undefined || output === undefined };
}
