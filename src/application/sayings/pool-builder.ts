import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { nanoToUsd } from '../../domain/cost/money';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { CollectionCache } from './collection-cache';
import type { GeneratedSayingPool } from './generated-saying-pool';
import type { ModelDirectory } from './models';
import type { SayingGenerator } from './saying-generator';
import type { ServicePicker } from './service-picker';

export interface PoolBuilderSettings {
  readonly servicesPerBuild: number;
  /** After a failed build, how long a model rests before the next attempt. */
  readonly retryAfterFailureMs: number;
}

/**
 * Fills the pool in the background: one task per model, in parallel, at most one in flight per model.
 * A build never blocks or fails a request; its failures are logged and counted.
 */
export class PoolBuilder {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly restingUntil = new Map<string, number>();

  constructor(
    private readonly models: ModelDirectory,
    private readonly generator: SayingGenerator,
    private readonly pool: GeneratedSayingPool,
    private readonly services: ServicePicker,
    private readonly collection: CollectionCache,
    private readonly ledger: UsageLedger,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly settings: PoolBuilderSettings,
  ) {}

  /** Starts a build for every model that has none running; returns at once. */
  startBuilds(): void {
    for (const model of this.models.sayingModels()) this.startBuild(model);
  }

  /** Resolves when the builds now running have ended (for tests and graceful shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }

  private startBuild(model: ModelSpec): void {
    if (this.inFlight.has(model.key)) return;
    if ((this.restingUntil.get(model.key) ?? 0) > this.clock.monotonicMs()) return;
    const task = this.build(model).finally(() => this.inFlight.delete(model.key));
    this.inFlight.set(model.key, task);
  }

  private async build(model: ModelSpec): Promise<void> {
    const provider = this.models.provider(model.key);
    if (!provider) return;
    const services = this.services.pick(this.settings.servicesPerBuild);
    try {
      const generation = await this.generator.generate(model, provider, services, 'sayings-build', undefined);
      const { normalized } = await this.collection.get();
      const { added, duplicates } = this.pool.add(generation.sayings, normalized);
      this.restingUntil.delete(model.key);
      const spend = generation.usageEntry.spend;
      this.metrics.record([
        { name: 'APILatency', value: generation.llmTimeMs, unit: 'Milliseconds', dimensions: { vendor: model.vendor, model: model.key } },
        ...(spend?.costNano === undefined ? [] : [{ name: 'Cost' as const, value: nanoToUsd(spend.costNano), unit: 'None' as const, dimensions: { vendor: model.vendor, model: model.key } }]),
      ]);
      this.logger.info('pool build finished', { model: model.key, added, duplicates, poolSize: this.pool.size });
    } catch (error) {
      this.restingUntil.set(model.key, this.clock.monotonicMs() + this.settings.retryAfterFailureMs);
      this.logger.warn('pool build failed', { model: model.key, error: describeError(error) });
      await this.ledger
        .record({
          id: this.random.uuid(), at: this.clock.now(), channel: 'sayings-build', source: 'none',
          vendor: model.vendor, model: model.key, provider: provider.name, offline: provider.offline,
          keyId: undefined, latencyMs: 0, cacheHit: false, status: 'error', spend: undefined,
        })
        .catch((ledgerError: unknown) => this.logger.error('usage not recorded', { error: describeError(ledgerError) }));
    }
  }
}

export function describeError(error: unknown): { name: string; message: string; kind?: string } {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return { name: error.name, message: error.message, ...(typeof kind === 'string' ? { kind } : {}) };
  }
  return { name: 'unknown', message: String(error) };
}
