import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { firstAttemptMs, retryAttemptMs, type DeadlineSplit } from '../../domain/chat/chat-deadline';
import type { PromptMessage } from '../../domain/sayings/prompt';
import { err, ok, type Result } from '../../domain/shared/result';
import type { Clock } from '../../ports/clock';
import { LlmProviderError, type LlmProvider, type LlmResult } from '../../ports/llm-provider';
import type { Logger } from '../../ports/logger';
import { describeError } from '../sayings/pool-builder';

export interface CallPlan {
  readonly first: ModelSpec;
  /** Who takes the one retry, fastest first; the first model itself when it is the only one. */
  readonly retryOrder: readonly ModelSpec[];
  readonly messages: readonly PromptMessage[];
  readonly maxOutputTokens: number;
  readonly temperature: number;
  /** Monotonic ms by which the whole request must have answered. */
  readonly deadline: number;
}

export interface Answered {
  readonly result: LlmResult;
  readonly model: ModelSpec;
  readonly provider: LlmProvider;
  readonly latencyMs: number;
  readonly retried: boolean;
}

export type CallFailure = {
  readonly code: 'chat_timeout' | 'model_unavailable';
  readonly message: string;
  readonly retryAfterMs: number;
};

/** How long past its budget a call that ignores its abort signal is waited for. */
const ABANDON_GRACE_MS = 25;
const DEFAULT_RETRY_AFTER_MS = 2_000;

/**
 * The model call of the sync path (ADR 0017): the first model gets the deadline less what the retry and the
 * write need; on any failure — a timeout above all — one retry on the fastest other model with what is left;
 * else a failure that says when to come back. Never more than two upstream calls per message.
 */
export class ModelCaller {
  constructor(
    private readonly providerFor: (modelKey: string) => LlmProvider | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly split: DeadlineSplit,
  ) {}

  async call(plan: CallPlan): Promise<Result<Answered, CallFailure>> {
    const firstBudget = firstAttemptMs(this.clock.monotonicMs(), plan.deadline, this.split, plan.first.timeoutMs);
    if (firstBudget <= 0) return err(timeout('No time was left for a model call within the deadline.'));
    const first = await this.attempt(plan, plan.first, firstBudget);
    if (first.ok) return ok({ ...first.value, retried: false });

    const next = plan.retryOrder[0] ?? plan.first;
    const retryBudget = retryAttemptMs(this.clock.monotonicMs(), plan.deadline, this.split, next.timeoutMs);
    this.logger.warn('chat model call failed', { model: plan.first.key, error: describeError(first.error), retryModel: retryBudget > 0 ? next.key : null, retryBudgetMs: retryBudget });
    if (retryBudget <= 0) return err(failure(first.error));
    const second = await this.attempt(plan, next, retryBudget);
    if (second.ok) return ok({ ...second.value, retried: true });
    this.logger.warn('chat retry failed', { model: next.key, error: describeError(second.error) });
    return err(failure(second.error));
  }

  private async attempt(plan: CallPlan, model: ModelSpec, budgetMs: number): Promise<Result<Omit<Answered, 'retried'>, unknown>> {
    const provider = this.providerFor(model.key);
    if (!provider) return err(new LlmProviderError('unavailable', `no provider serves ${model.key}`, { provider: 'none' }));
    const started = this.clock.monotonicMs();
    const signal = AbortSignal.timeout(budgetMs);
    let timer: NodeJS.Timeout | undefined;
    // A provider must honour its signal; should one not, the deadline still holds.
    const abandoned = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LlmProviderError('timeout', `${model.key} ignored its deadline`, { provider: provider.name })), budgetMs + ABANDON_GRACE_MS);
    });
    try {
      const result = await Promise.race([
        provider.generate({
          model: model.vendorModelId,
          messages: plan.messages,
          maxTokens: Math.min(plan.maxOutputTokens, model.maxTokens),
          temperature: plan.temperature,
          signal,
          timeoutMs: budgetMs,
        }),
        abandoned,
      ]);
      if (result.text.trim() === '') throw new LlmProviderError('invalid-response', `${model.key} answered with no text`, { provider: provider.name });
      return ok({ result, model, provider, latencyMs: this.clock.monotonicMs() - started });
    } catch (error) {
      return err(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function timeout(message: string): CallFailure {
  return { code: 'chat_timeout', message, retryAfterMs: DEFAULT_RETRY_AFTER_MS };
}

function failure(error: unknown): CallFailure {
  const retryAfterMs = error instanceof LlmProviderError && error.details.retryAfterMs !== undefined ? error.details.retryAfterMs : DEFAULT_RETRY_AFTER_MS;
  if (error instanceof LlmProviderError && error.kind === 'timeout') {
    return { code: 'chat_timeout', message: 'No model answered within the time limit; try again shortly.', retryAfterMs };
  }
  return { code: 'model_unavailable', message: 'The models could not answer right now; try again shortly.', retryAfterMs };
}
