import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { backoffDelay, fitsDeadline, type BackoffPolicy } from '../../domain/limits/backoff';
import { depositRequest, initialBudget, trySpendRetry, type RetryBudget, type RetryBudgetPolicy } from '../../domain/limits/retry-budget';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../ports/llm-provider';
import type { RandomSource } from '../../ports/random-source';
import { attemptSignal, type AttemptSignal } from './attempt-signal';

export interface ResilienceSettings {
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly retryBudget: RetryBudgetPolicy;
  /** Consecutive failures that open the circuit. */
  readonly circuitThreshold: number;
  /** How long an open circuit fails fast before letting one trial call through. */
  readonly halfOpenAfterMs: number;
  /** The least time worth starting another attempt with. */
  readonly minAttemptMs: number;
  /** The call's budget when the request names none. */
  readonly defaultTimeoutMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceSettings = {
  maxAttempts: 3,
  backoff: { baseMs: 250, capMs: 4_000 },
  retryBudget: { ratio: 0.1, cap: 10 },
  circuitThreshold: 5,
  halfOpenAfterMs: 30_000,
  minAttemptMs: 250,
  defaultTimeoutMs: 20_000,
};

const MODEL_ALERT_INTERVAL_MS = 60_000;

/** Failures that say the provider is unwell; a bad request or bad credentials say nothing about its health. */
const countsAgainstCircuit = (e: unknown): boolean =>
  e instanceof LlmProviderError && (e.isRetryable || e.kind === 'invalid-response');

/**
 * The one retry layer (the SDKs' own retries are off): a per-attempt timeout inside the caller's deadline,
 * capped exponential backoff with full jitter that honours Retry-After, a retry budget, and a circuit
 * breaker per provider (cockatiel) that fails fast while the provider is down.
 */
export class ResilientLlmProvider implements LlmProvider {
  readonly name: string;
  readonly offline: boolean;
  private readonly circuit: CircuitBreakerPolicy;
  private budget: RetryBudget;
  private openedAt = 0;
  private readonly modelAlerts = new Map<string, number>();

  constructor(
    private readonly inner: LlmProvider,
    private readonly settings: ResilienceSettings,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly logger: Logger,
  ) {
    this.name = inner.name;
    this.offline = inner.offline;
    this.budget = initialBudget(settings.retryBudget);
    this.circuit = circuitBreaker(handleWhen(countsAgainstCircuit), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.circuitThreshold),
    });
    this.circuit.onBreak(() => {
      this.openedAt = this.clock.monotonicMs();
      this.logger.warn('circuit opened', { provider: this.name });
    });
    this.circuit.onReset(() => this.logger.info('circuit closed', { provider: this.name }));
  }

  /**
   * Unavailable while the circuit is open and not yet due for its trial call. cockatiel only moves to half-open
   * when a call arrives, so the due time is tracked here: once it passes, the next caller makes the trial.
   */
  isAvailable(): boolean {
    const state = this.circuit.state;
    if (state === CircuitState.Isolated) return false;
    return state !== CircuitState.Open || this.clock.monotonicMs() - this.openedAt >= this.settings.halfOpenAfterMs;
  }

  /** `request.timeoutMs` bounds the whole call, retries included; the caller's signal can end it sooner. */
  async generate(request: LlmRequest): Promise<LlmResult> {
    this.budget = depositRequest(this.settings.retryBudget, this.budget);
    const deadline = this.clock.monotonicMs() + (request.timeoutMs ?? this.settings.defaultTimeoutMs);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(request, deadline, (signal) => this.inner.generate({ ...request, signal }));
      } catch (error) {
        const delay = this.retryDelay(error, attempt, deadline, request.signal);
        if (delay === undefined) throw this.final(error, deadline, request.model);
        await sleep(delay, undefined, request.signal ? { signal: request.signal } : undefined).catch(() => {
          throw this.final(error, deadline, request.model);
        });
      }
    }
  }

  /** Retries only before the first delta: once text has reached the caller, a failure ends the stream. */
  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    this.budget = depositRequest(this.settings.retryBudget, this.budget);
    const deadline = this.clock.monotonicMs() + (request.timeoutMs ?? this.settings.defaultTimeoutMs);
    for (let attempt = 0; ; attempt++) {
      const attemptSignal = this.attemptSignal(request.signal, deadline);
      const signal = attemptSignal.signal;
      let started = false;
      let iterator: AsyncIterator<LlmStreamEvent> | undefined;
      try {
        const events = await this.circuit.execute(() =>
          unlessCallerGaveUp(request.signal, async () => {
            iterator = this.inner.stream({ ...request, signal })[Symbol.asyncIterator]();
            const first = await iterator.next();
            return { iterator, first };
          }),
        );
        if (!events.first.done) {
          started = true;
          yield events.first.value;
          for (let next = await events.iterator.next(); !next.done; next = await events.iterator.next()) yield next.value;
        }
        iterator = undefined;
        return;
      } catch (error) {
        const mapped = toProviderError(error instanceof CallerGaveUp ? error.original : error, this.name, signal);
        if (started) throw mapped;
        const delay = this.retryDelay(mapped, attempt, deadline, request.signal);
        if (delay === undefined) throw this.final(mapped, deadline, request.model);
        await sleep(delay, undefined, request.signal ? { signal: request.signal } : undefined).catch(() => {
          throw this.final(mapped, deadline, request.model);
        });
      } finally {
        // A consumer that stopped early (or a failed attempt) lets go of the provider's stream, and of the timer.
        if (iterator) await iterator.return?.().catch(() => undefined);
        attemptSignal.release();
      }
    }
  }

  private async attempt<T>(request: LlmRequest, deadline: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal, release } = this.attemptSignal(request.signal, deadline);
    try {
      return await this.circuit.execute(() => unlessCallerGaveUp(request.signal, () => call(signal)));
    } catch (error) {
      throw toProviderError(error instanceof CallerGaveUp ? error.original : error, this.name, signal);
    } finally {
      release();
    }
  }

  /**
   * The vendor does not serve a model id we send: only an operator can fix that (ADR 0023), so it is an alert —
   * once a minute per model, however many calls fail meanwhile.
   */
  private alertModelUnavailable(model: string, status: number | undefined): void {
    const now = this.clock.monotonicMs();
    const last = this.modelAlerts.get(model);
    if (last !== undefined && now - last < MODEL_ALERT_INTERVAL_MS) return;
    this.modelAlerts.set(model, now);
    this.logger.error('provider does not serve this model', { alert: 'provider_model_unavailable', provider: this.name, model: model.slice(0, 128), status });
  }

  private attemptSignal(caller: AbortSignal | undefined, deadline: number): AttemptSignal {
    return attemptSignal(caller, Math.max(1, Math.floor(deadline - this.clock.monotonicMs())));
  }

  /** The wait before the next attempt, or undefined when there must be none. */
  private retryDelay(error: unknown, attempt: number, deadline: number, caller: AbortSignal | undefined): number | undefined {
    if (!(error instanceof LlmProviderError) || !error.isRetryable || caller?.aborted) return undefined;
    if (error.cause instanceof BrokenCircuitError || attempt + 1 >= this.settings.maxAttempts) return undefined;
    const delay = backoffDelay(this.settings.backoff, attempt, error.details.retryAfterMs, () => this.random.next());
    if (!fitsDeadline(this.clock.monotonicMs(), delay, deadline, this.settings.minAttemptMs)) return undefined;
    const spend = trySpendRetry(this.budget);
    if (!spend.allowed) return undefined;
    this.budget = spend.budget;
    this.logger.info('retrying provider call', { provider: this.name, attempt: attempt + 1, delayMs: delay, kind: error.kind });
    return delay;
  }

  private final(error: unknown, deadline: number, model: string): LlmProviderError {
    const mapped = toProviderError(error, this.name, undefined);
    if (mapped.kind === 'model-unavailable') this.alertModelUnavailable(model, mapped.details.status);
    if (mapped.kind === 'timeout' && this.clock.monotonicMs() >= deadline) {
      return new LlmProviderError('timeout', `${this.name} did not answer before the deadline`, { provider: this.name, cause: mapped });
    }
    return mapped;
  }
}

/**
 * A failure that happened because the caller gave up — its signal fired: a client that went away, a deadline of
 * its own. It says nothing about the provider's health, so the circuit must not count it: ten clients leaving at
 * once would otherwise open the circuit for everybody.
 */
class CallerGaveUp extends Error {
  override readonly name = 'CallerGaveUp';
  constructor(readonly original: unknown) {
    super('the caller gave up');
  }
}

async function unlessCallerGaveUp<T>(caller: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw caller?.aborted ? new CallerGaveUp(error) : error;
  }
}

function toProviderError(error: unknown, provider: string, signal: AbortSignal | undefined): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  if (error instanceof BrokenCircuitError) {
    return new LlmProviderError('unavailable', `${provider} circuit is open; failing fast`, { provider, cause: error });
  }
  if (signal?.aborted) return new LlmProviderError('timeout', `${provider} did not answer in time`, { provider, cause: error });
  return new LlmProviderError('unavailable', `${provider} call failed`, { provider, cause: error });
}
