import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { splitEvenly } from '../../domain/cost/cost';
import { nanoToUsd } from '../../domain/cost/money';
import { markDuplicates } from '../../domain/jobs/duplicates';
import { sayingIdFor, type GeneratedText, type ItemGeneration, type JobItem } from '../../domain/jobs/job';
import { isLastDelivery, retryDelayMs, type JobRetryPolicy } from '../../domain/jobs/retry-policy';
import { normalizeText, type Saying } from '../../domain/sayings/saying';
import type { AwsService } from '../../domain/services/aws-service';
import type { Clock } from '../../ports/clock';
import type { Delivery } from '../../ports/job-queue';
import type { JobRepo } from '../../ports/job-repo';
import type { Logger } from '../../ports/logger';
import type { Metric, MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { SayingRepo } from '../../ports/saying-repo';
import type { CollectionCache } from '../sayings/collection-cache';
import type { ModelDirectory } from '../sayings/models';
import { describeError } from '../sayings/pool-builder';
import type { SayingGenerator } from '../sayings/saying-generator';
import { classifyFailure, JobItemError, type ItemFailure } from './job-item-error';

export type ProcessOutcome =
  /** Remove the message: the item is done (now or by an earlier delivery). */
  | { readonly kind: 'done'; readonly reason: 'succeeded' | 'already_succeeded' }
  /** Leave it: visible again after `delayMs`; past maxReceiveCount the queue dead-letters it. */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly failure: ItemFailure };

/**
 * Processes one delivery of one job item, idempotently (ADR 0020). Delivery is at least once, so every step
 * can run twice with one effect: the LLM's answer is kept once per item (first writer wins) before any saying is
 * written; sayings have ids fixed by job, item and position and are stored with `putIfAbsent`; a text is
 * claimed within the job by one item; a succeeded item is never changed again; progress is derived from item
 * states, not counted per delivery. It never throws: every failure becomes a retry decision.
 */
export class JobItemProcessor {
  private readonly servicesById: ReadonlyMap<string, AwsService>;

  constructor(
    private readonly repo: JobRepo,
    private readonly models: ModelDirectory,
    private readonly generator: SayingGenerator,
    services: readonly AwsService[],
    private readonly collection: CollectionCache,
    private readonly sayings: SayingRepo,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly policy: JobRetryPolicy,
  ) {
    this.servicesById = new Map(services.map((s) => [s.id, s]));
  }

  async process(delivery: Delivery): Promise<ProcessOutcome> {
    const message = delivery.message;
    if (!message) {
      this.logger.warn('job message unreadable', { messageId: delivery.messageId, receiveCount: delivery.receiveCount, bytes: delivery.rawBody.length });
      return this.fastRetry('invalid_message', 'The message is not a job item message.');
    }
    const { jobId, item: index } = message;
    try {
      const found = await this.repo.getItem(jobId, index);
      if (!found) {
        this.logger.warn('job item not found', { jobId, item: index, receiveCount: delivery.receiveCount });
        return this.fastRetry('job_not_found', 'No such job item (unknown, or expired).');
      }
      if (found.status === 'succeeded') return { kind: 'done', reason: 'already_succeeded' };
      // A given-up item burns its remaining receives at once, so the message reaches the DLQ; a redriven
      // message starts again at receive 1 and is processed afresh.
      if (found.status === 'failed' && found.lastError?.final && delivery.receiveCount > 1) {
        return { kind: 'retry', delayMs: 0, failure: { code: found.lastError.code, message: found.lastError.message, retryable: false, retryAfterMs: undefined } };
      }
      const item = (await this.repo.beginAttempt(jobId, index, this.clock.now())) ?? found;
      if (item.status === 'succeeded') return { kind: 'done', reason: 'already_succeeded' };
      const generation = item.generation ?? (await this.generate(jobId, item));
      await this.store(generation);
      await this.repo.settle(jobId, index, { status: 'succeeded', at: this.clock.now() });
      this.logger.info('job item succeeded', { jobId, item: index, receiveCount: delivery.receiveCount, added: generation.texts.filter((t) => !t.duplicate).length });
      return { kind: 'done', reason: 'succeeded' };
    } catch (error) {
      return this.failed(jobId, index, delivery, error);
    }
  }

  private async generate(jobId: string, item: JobItem): Promise<ItemGeneration> {
    const model = this.models.catalog.get(item.model);
    const provider = this.models.provider(item.model);
    if (!model || !provider) throw new JobItemError('unknown_model', `Model "${item.model}" is no longer in the catalog.`, false);
    const services = item.serviceIds.map((id) => this.servicesById.get(id));
    if (services.some((s) => s === undefined)) throw new JobItemError('unknown_service', 'A service of this item is no longer known.', false);
    const generation = await this.generator.generate(model, provider, services as AwsService[], 'jobs', undefined);
    this.metrics.record(callMetrics(model, generation.llmTimeMs, generation.usageEntry.spend));
    if (generation.sayings.length === 0) throw new JobItemError('no_sayings_parsed', `${model.displayName} answered nothing that reads as a saying.`, true);
    const texts = generation.sayings.map((s) => s.text);
    const { normalized } = await this.collection.get();
    const duplicate = markDuplicates(texts, normalized);
    const candidates = texts.flatMap((t, i) => (duplicate[i] ? [] : [normalizeText(t)]));
    const owned = await this.repo.claimTexts(jobId, item.index, candidates);
    let c = 0;
    const kept: GeneratedText[] = generation.sayings.map((s, position) => ({
      sayingId: sayingIdFor(jobId, item.index, position),
      text: s.text,
      serviceId: s.serviceId,
      duplicate: duplicate[position] === true || owned[c++] !== true,
    }));
    const spend = generation.usageEntry.spend;
    const candidate: ItemGeneration = {
      texts: kept,
      vendor: model.vendor,
      model: model.key,
      provider: provider.name,
      offline: provider.offline,
      inputTokens: spend?.inputTokens,
      outputTokens: spend?.outputTokens,
      costNano: spend?.costNano,
      estimated: spend?.estimated ?? false,
      llmTimeMs: generation.llmTimeMs,
      at: this.clock.now(),
    };
    return this.repo.keepGeneration(jobId, item.index, candidate);
  }

  /** Writes the kept generation's sayings; the ids are fixed, so a second run rewrites nothing. */
  private async store(g: ItemGeneration): Promise<void> {
    const n = g.texts.length;
    const cost = g.costNano === undefined ? [] : splitEvenly(g.costNano, n);
    const input = g.inputTokens === undefined ? [] : splitEvenly(g.inputTokens, n);
    const output = g.outputTokens === undefined ? [] : splitEvenly(g.outputTokens, n);
    for (const [position, t] of g.texts.entries()) {
      if (t.duplicate) continue;
      const saying: Saying = {
        id: t.sayingId,
        text: t.text,
        serviceId: t.serviceId,
        origin: { kind: 'generated', vendor: g.vendor, model: g.model, offline: g.offline },
        generation: { llmTimeMs: g.llmTimeMs, inputTokens: input[position], outputTokens: output[position], costNano: cost[position] },
        upvotes: 0,
        downvotes: 0,
        createdAt: g.at,
      };
      await this.sayings.putIfAbsent(saying);
    }
  }

  private async failed(jobId: string, index: number, delivery: Delivery, error: unknown): Promise<ProcessOutcome> {
    const failure = classifyFailure(error);
    const final = !failure.retryable || isLastDelivery(delivery.receiveCount, this.policy);
    const at = this.clock.now();
    const itemError = { code: failure.code, message: failure.message, attempt: delivery.receiveCount, at, final };
    this.logger.warn('job item failed', { jobId, item: index, receiveCount: delivery.receiveCount, final, code: failure.code, error: describeError(error) });
    try {
      if (final) await this.repo.settle(jobId, index, { status: 'failed', at, error: itemError });
      else await this.repo.recordError(jobId, index, itemError);
    } catch (recordError) {
      this.logger.error('job item error not recorded', { jobId, item: index, error: describeError(recordError) });
    }
    const delayMs = final ? 0 : retryDelayMs(delivery.receiveCount, failure.retryable, failure.retryAfterMs, this.policy, () => this.random.next());
    return { kind: 'retry', delayMs, failure };
  }

  private fastRetry(code: string, message: string): ProcessOutcome {
    return { kind: 'retry', delayMs: 0, failure: { code, message, retryable: false, retryAfterMs: undefined } };
  }
}

function callMetrics(model: ModelSpec, llmTimeMs: number, spend: { readonly costNano: number | undefined; readonly inputTokens: number | undefined; readonly outputTokens: number | undefined } | undefined): Metric[] {
  const dimensions = { vendor: model.vendor, model: model.key, channel: 'jobs' };
  const tokens = (spend?.inputTokens ?? 0) + (spend?.outputTokens ?? 0);
  return [
    { name: 'APILatency', value: llmTimeMs, unit: 'Milliseconds', dimensions },
    ...(spend?.inputTokens === undefined && spend?.outputTokens === undefined ? [] : [{ name: 'TokensUsed' as const, value: tokens, unit: 'Count' as const, dimensions }]),
    ...(spend?.costNano === undefined ? [] : [{ name: 'Cost' as const, value: nanoToUsd(spend.costNano), unit: 'None' as const, dimensions }]),
  ];
}
