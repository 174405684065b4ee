import { err, ok, type Result } from '../../domain/shared/result';
import type { Clock } from '../../ports/clock';
import type { LlmRequest, LlmStreamEvent } from '../../ports/llm-provider';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import type { GatewayAdmission, Prepared } from './admission';
import {
  GATEWAY_STATUS,
  type ChatOutcome,
  type Completion,
  type CompletionUsage,
  type GatewayChatRequest,
  type GatewayFailure,
  type GatewaySettings,
  type RateLimitView,
  type ReplyMeta,
} from './chat-request';
import type { BudgetReservation, GatewayCaller, GatewayKeys } from './gateway-caller';
import type { GatewayResponseCache } from './response-cache';
import type { GatewaySettlement } from './settlement';
import { relayStream, replayCompletion, usageOf, type StreamEnd } from './stream-relay';
import { isProviderError, upstreamFailure } from './upstream-failure';

interface Call {
  readonly caller: GatewayCaller;
  readonly request: GatewayChatRequest;
  readonly prepared: Prepared;
  readonly limits: RateLimitView;
  readonly cacheKey: string;
  readonly startedMs: number;
}

/**
 * `POST /v1/chat/completions` (seed 003): an authenticated caller's request is checked (model, text), admitted
 * by its RPM and TPM, answered from its own cache entry when there is one, else held against its budget, sent
 * to the model's provider, and settled — usage, spend, reservation released — however it ends.
 */
export class ChatCompletionUseCase {
  private readonly settling = new Set<Promise<void>>();
  /** The settlements waiting for the next macrotask, and the promise that resolves when all of them are done. */
  private batch: { readonly works: (() => Promise<void>)[]; readonly done: Promise<void> } | undefined;

  constructor(
    private readonly admission: GatewayAdmission,
    private readonly cache: GatewayResponseCache,
    private readonly keys: GatewayKeys,
    private readonly settlement: GatewaySettlement,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly logger: Logger,
    private readonly settings: GatewaySettings,
  ) {}

  async execute(caller: GatewayCaller, request: GatewayChatRequest): Promise<Result<ChatOutcome, GatewayFailure>> {
    const startedMs = this.clock.monotonicMs();
    const prepared = this.admission.prepare(caller, request);
    if (!prepared.ok) return prepared;
    const admitted = await this.admission.admit(caller, prepared.value.estimate);
    if (!admitted.ok) return admitted;
    const { spec, served, messages, maxTokens } = prepared.value;
    const cacheKey = this.cache.keyFor({ keyId: caller.keyId, model: spec.key, servedBy: served, messages, maxTokens, options: { ...request.options, temperature: request.temperature } });
    const call: Call = { caller, request, prepared: prepared.value, limits: admitted.value, cacheKey, startedMs };

    const cached = this.cache.enabled ? await this.cache.get(cacheKey) : undefined;
    if (cached) {
      const meta = this.meta(call, 'HIT');
      const hitEnd = (finished: boolean): StreamEnd => ({ usage: undefined, llmLatencyMs: 0, latencyMs: this.elapsed(startedMs), errorCode: finished ? undefined : 'client_closed', partial: !finished });
      if (request.stream) {
        const end = streamEnd();
        return ok({ kind: 'stream', meta, events: replayCompletion(cached, ({ finished }) => end.started(this.settleLater(call, undefined, hitEnd(finished), true))), settled: end.settled });
      }
      return ok({ kind: 'completion', meta, completion: cached, settled: this.settleLater(call, undefined, hitEnd(true), true) });
    }

    // The seam promises no storage call for a key without a budget; skipping the call saves the round trip too.
    const reserved = caller.budgetNano === undefined ? { ok: true as const, reservation: undefined } : await this.keys.reserveBudget(caller, prepared.value.estimate.reserveNano);
    if (!reserved.ok) {
      return this.fail(call, undefined, {
        code: 'budget_exceeded',
        param: undefined,
        message: `This key's budget is spent: $${(reserved.remainingNano / 1e9).toFixed(6)} is left and this request could cost up to $${(prepared.value.estimate.reserveNano / 1e9).toFixed(6)}. Lower max_tokens, or ask for a larger budget.`,
      });
    }
    return request.stream ? this.stream(call, reserved.reservation) : this.generate(call, reserved.reservation);
  }

  private async generate(call: Call, reservation: BudgetReservation | undefined): Promise<Result<ChatOutcome, GatewayFailure>> {
    const llmStartedMs = this.clock.monotonicMs();
    let completion: Completion;
    try {
      const result = await call.prepared.provider.generate(this.llmRequest(call));
      completion = { text: result.text, finishReason: result.finishReason, usage: usageOf(result.usage, call.prepared.estimate.inputTokens, result.text) };
    } catch (error) {
      return this.failUpstream(call, reservation, error);
    }
    const now = this.clock.monotonicMs();
    const settled = this.settleLater(call, reservation, { usage: completion.usage, llmLatencyMs: now - llmStartedMs, latencyMs: now - call.startedMs, errorCode: undefined, partial: false }, false, completion);
    return ok({ kind: 'completion', meta: this.meta(call, 'MISS'), completion, settled });
  }

  /** Resolves once every settlement started so far has finished (shutdown, tests). */
  async settledAll(): Promise<void> {
    while (this.settling.size > 0) await Promise.all([...this.settling]);
  }

  /**
   * The cache write and the settlement of an answer (a JSON one, or a stream that ended), off its response path
   * and tracked until done.
   * Answers sent in one turn of the event loop settle together, a macrotask later (microtasks would still run
   * before the door writes the answer): one timer and one tracked promise a batch rather than a request.
   */
  private settleLater(call: Call, reservation: BudgetReservation | undefined, end: StreamEnd, cacheHit: boolean, completion?: Completion): Promise<void> {
    const work = async (): Promise<void> => {
      if (completion) await this.cache.set(call.cacheKey, completion);
      await this.settle(call, reservation, end, cacheHit);
    };
    if (this.batch) {
      this.batch.works.push(work);
      return this.batch.done;
    }
    const works = [work];
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.batch = undefined;
      await Promise.all(works.map((w) => w().catch((error: unknown) => this.logger.error('gateway settlement failed', { error: error instanceof Error ? error.name : 'unknown' }))));
    });
    this.batch = { works, done };
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
    return done;
  }

  /**
   * Waits for the first event before answering, so that a provider failing before it produced anything (after
   * the resilience layer's retries) gets a real HTTP status rather than a 200 stream that ends in an error.
   */
  private async stream(call: Call, reservation: BudgetReservation | undefined): Promise<Result<ChatOutcome, GatewayFailure>> {
    const llmStartedMs = this.clock.monotonicMs();
    const iterator = call.prepared.provider.stream(this.llmRequest(call))[Symbol.asyncIterator]();
    let first: IteratorResult<LlmStreamEvent>;
    try {
      first = await iterator.next();
    } catch (error) {
      return this.failUpstream(call, reservation, error);
    }
    const end = streamEnd();
    const events = relayStream(iterator, first, {
      spec: call.prepared.spec,
      inputEstimate: call.prepared.estimate.inputTokens,
      signal: call.request.signal,
      clock: this.clock,
      startedMs: call.startedMs,
      llmStartedMs,
      completed: (completion) => this.cache.set(call.cacheKey, completion),
      settle: (streamed) => end.started(this.settleLater(call, reservation, streamed, false)),
      logFailure: (error) => this.logger.error('gateway stream failed', { error: error instanceof Error ? error.name : 'unknown' }),
    });
    return ok({ kind: 'stream', meta: this.meta(call, 'MISS'), events, settled: end.settled });
  }

  private llmRequest(call: Call): LlmRequest {
    const { prepared, request } = call;
    return {
      model: prepared.spec.vendorModelId,
      messages: prepared.messages,
      maxTokens: prepared.maxTokens,
      temperature: request.temperature,
      signal: request.signal,
      timeoutMs: this.settings.upstreamTimeoutMs,
    };
  }

  private async failUpstream(call: Call, reservation: BudgetReservation | undefined, error: unknown): Promise<Result<never, GatewayFailure>> {
    if (!isProviderError(error)) {
      await this.settle(call, reservation, { usage: undefined, llmLatencyMs: 0, latencyMs: this.elapsed(call.startedMs), errorCode: 'internal_error', partial: false }, false);
      throw error;
    }
    if (call.request.signal?.aborted) {
      return this.fail(call, reservation, { code: 'client_closed', param: undefined, message: 'The client closed the connection.' });
    }
    if (error.kind === 'auth') this.logger.error('provider refused our credentials', { alert: 'provider_auth', provider: error.details.provider, status: error.details.status });
    return this.fail(call, reservation, upstreamFailure(error, error.details.provider, call.prepared.spec.key));
  }

  private async fail(call: Call, reservation: BudgetReservation | undefined, failure: GatewayFailure): Promise<Result<never, GatewayFailure>> {
    await this.settle(call, reservation, { usage: undefined, llmLatencyMs: 0, latencyMs: this.elapsed(call.startedMs), errorCode: failure.code, partial: false }, false);
    return err({ ...failure, limits: call.limits });
  }

  private settle(call: Call, reservation: BudgetReservation | undefined, end: StreamEnd, cacheHit: boolean): Promise<void> {
    const usage: CompletionUsage | undefined = end.usage;
    const httpStatus = end.errorCode === undefined || end.partial ? 200 : (GATEWAY_STATUS[end.errorCode as keyof typeof GATEWAY_STATUS] ?? 500);
    return this.settlement.settle({
      caller: call.caller,
      spec: call.prepared.spec,
      served: call.prepared.served,
      reservation,
      usage: usage && { inputTokens: usage.promptTokens, outputTokens: usage.completionTokens, estimated: usage.estimated },
      llmLatencyMs: cacheHit || usage === undefined ? undefined : end.llmLatencyMs,
      latencyMs: end.latencyMs,
      cacheHit,
      httpStatus,
      errorCode: end.errorCode,
      partial: end.partial,
    });
  }

  private meta(call: Call, cache: 'HIT' | 'MISS'): ReplyMeta {
    return {
      id: `chatcmpl-${this.random.uuid().replaceAll('-', '')}`,
      created: Math.floor(this.clock.now() / 1000),
      model: call.prepared.served,
      limits: call.limits,
      cache,
    };
  }

  private elapsed(startedMs: number): number {
    return this.clock.monotonicMs() - startedMs;
  }
}

/**
 * A stream's settlement, which exists only once the stream has ended: `settled` is handed out with the stream and
 * follows the settlement its end starts, so a door that may freeze after answering can wait for it.
 */
function streamEnd(): { readonly settled: Promise<void>; readonly started: (settlement: Promise<void>) => void } {
  let started: (settlement: Promise<void>) => void = () => undefined;
  const settled = new Promise<void>((resolve) => (started = resolve));
  return { settled, started };
}
