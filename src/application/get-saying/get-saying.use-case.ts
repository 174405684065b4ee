import { decideSource, type FlowDecision } from '../../domain/flow/request-flow';
import { totalTokens } from '../../domain/cost/cost';
import { nanoToUsd } from '../../domain/cost/money';
import { formatSource } from '../../domain/sayings/attribution';
import type { Saying } from '../../domain/sayings/saying';
import { rememberRecent, selectFresh } from '../../domain/sayings/selection';
import { err, ok, type Result } from '../../domain/shared/result';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { SayingRepo } from '../../ports/saying-repo';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { CollectionCache } from '../sayings/collection-cache';
import type { GeneratedSayingPool } from '../sayings/generated-saying-pool';
import type { ModelDirectory } from '../sayings/models';
import { describeError, type PoolBuilder } from '../sayings/pool-builder';
import type { SayingGenerator } from '../sayings/saying-generator';
import type { ServicePicker } from '../sayings/service-picker';
import type { SayingView } from './saying-view';

export interface GetSayingSettings {
  readonly refillThreshold: number;
  readonly servicesPerCall: number;
  /** A live call past this is abandoned and the request served from the pool or the collection. */
  readonly liveDeadlineMs: number;
  /** How many recently served collection sayings this instance avoids repeating. */
  readonly recentSayings: number;
}

export type GetSayingError = { readonly code: 'no_saying_available'; readonly message: string };

type Served = { readonly saying: Saying; readonly source: 'collection' | 'live' | 'pool' };

/**
 * The sayings flow of one instance (seeds 000/001): the request number picks the source, and every
 * failure degrades pool → collection → a clear error, never an exception out of the use case.
 */
export class GetSayingUseCase {
  private requestNumber = 0;
  private recentCollection: readonly string[] = [];

  constructor(
    private readonly models: ModelDirectory,
    private readonly pool: GeneratedSayingPool,
    private readonly builder: PoolBuilder,
    private readonly generator: SayingGenerator,
    private readonly services: ServicePicker,
    private readonly collection: CollectionCache,
    private readonly repo: SayingRepo,
    private readonly ledger: UsageLedger,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly settings: GetSayingSettings,
  ) {}

  async execute(): Promise<Result<SayingView, GetSayingError>> {
    const started = this.clock.monotonicMs();
    const requestNumber = ++this.requestNumber;
    const decision = decideSource({
      requestNumber,
      poolSize: this.pool.size,
      refillThreshold: this.settings.refillThreshold,
      liveModels: this.models.sayingModels().map((m) => m.key),
      random: () => this.random.next(),
    });
    if ((decision.source === 'collection' && decision.startBuild) || (decision.source !== 'live' && decision.refill)) {
      this.builder.startBuilds();
    }
    const live = decision.source === 'live' ? await this.serveLive(decision) : undefined;
    const served = live ?? this.serveFromPool(decision) ?? (await this.serveFromCollection());
    if (!served) {
      return err({ code: 'no_saying_available', message: 'No saying is available right now; try again in a few seconds.' });
    }
    if (served.source !== 'collection') {
      // Stored when served, so that people can vote on it; a failed write must not cost the answer.
      await this.repo.putIfAbsent(served.saying).catch((error: unknown) =>
        this.logger.error('generated saying not stored', { sayingId: served.saying.id, error: describeError(error) }),
      );
    }
    const executionTime = this.clock.monotonicMs() - started;
    const view = this.toView(served, requestNumber, executionTime);
    await this.account(served, view, live?.usage);
    return ok(view);
  }

  private async serveLive(decision: Extract<FlowDecision, { source: 'live' }>): Promise<(Served & { usage: UsageEntry }) | undefined> {
    const model = this.models.catalog.get(decision.model);
    const provider = this.models.provider(decision.model);
    if (!model || !provider) return undefined;
    try {
      const services = this.services.pick(this.settings.servicesPerCall);
      const signal = AbortSignal.timeout(Math.min(model.timeoutMs, this.settings.liveDeadlineMs));
      const generation = await this.generator.generate(model, provider, services, 'sayings', signal);
      const [first, ...rest] = generation.sayings;
      if (!first) throw new Error(`${model.key} answered with no usable saying`);
      this.pool.add(rest, (await this.collection.get()).normalized);
      return { saying: first, source: 'live', usage: generation.usageEntry };
    } catch (error) {
      this.logger.warn('live call failed; serving from pool or collection', { model: model.key, error: describeError(error) });
      return undefined;
    }
  }

  private serveFromPool(decision: FlowDecision): Served | undefined {
    if (decision.source === 'collection') return undefined;
    const saying = this.pool.take();
    return saying ? { saying, source: 'pool' } : undefined;
  }

  private async serveFromCollection(): Promise<Served | undefined> {
    try {
      const { sayings } = await this.collection.get();
      const saying = selectFresh(sayings, new Set(this.recentCollection), () => this.random.next());
      if (!saying) return undefined;
      const limit = Math.min(this.settings.recentSayings, Math.max(0, sayings.length - 1));
      this.recentCollection = rememberRecent(this.recentCollection, saying.id, limit);
      return { saying, source: 'collection' };
    } catch (error) {
      this.logger.error('collection unreadable', { error: describeError(error) });
      return undefined;
    }
  }

  private toView(served: Served, requestNumber: number, executionTime: number): SayingView {
    const { saying } = served;
    const origin = saying.origin;
    const generation = origin.kind === 'generated' ? saying.generation : undefined;
    return {
      sayingId: saying.id,
      saying: saying.text,
      service: this.services.name(saying.serviceId),
      serviceId: saying.serviceId,
      source: formatSource(origin, this.models.catalog),
      vendor: origin.kind === 'generated' ? origin.vendor : null,
      model: origin.kind === 'generated' ? origin.model : null,
      offline: origin.kind === 'generated' && origin.offline,
      isCached: served.source === 'pool',
      executionTime: roundMs(executionTime),
      originalLlmTime: generation ? roundMs(generation.llmTimeMs) : null,
      tokens: generation ? (totalTokens(generation) ?? null) : null,
      costUsd: generation?.costNano === undefined ? null : nanoToUsd(generation.costNano),
      requestNumber,
    };
  }

  private async account(served: Served, view: SayingView, liveUsage: UsageEntry | undefined): Promise<void> {
    const entry: UsageEntry = {
      id: this.random.uuid(),
      at: this.clock.now(),
      channel: 'sayings',
      source: served.source,
      vendor: view.vendor ?? undefined,
      model: view.model ?? undefined,
      provider: liveUsage?.provider,
      offline: view.offline,
      keyId: undefined,
      latencyMs: view.executionTime,
      cacheHit: view.isCached,
      status: 'ok',
      spend: liveUsage?.spend,
    };
    const dimensions = { vendor: view.vendor ?? ('collection' as const), ...(view.model ? { model: view.model } : {}) };
    this.metrics.record([
      { name: 'TotalExecutionTime', value: view.executionTime, unit: 'Milliseconds', dimensions },
      { name: 'CacheHit', value: view.isCached ? 1 : 0, unit: 'Count', dimensions },
      ...(liveUsage?.spend
        ? [
            { name: 'APILatency' as const, value: liveUsage.spend.llmLatencyMs, unit: 'Milliseconds' as const, dimensions },
            { name: 'TokensUsed' as const, value: totalTokens(liveUsage.spend) ?? 0, unit: 'Count' as const, dimensions },
            { name: 'Cost' as const, value: nanoToUsd(liveUsage.spend.costNano ?? 0), unit: 'None' as const, dimensions },
          ]
        : []),
    ]);
    await this.ledger.record(entry).catch((error: unknown) => this.logger.error('usage not recorded', { error: describeError(error) }));
  }
}

/** Hundredths of a millisecond are as precise as timings on a shared machine get. */
const roundMs = (ms: number): number => Math.round(ms * 100) / 100;
