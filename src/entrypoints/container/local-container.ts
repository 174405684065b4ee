import { Container } from 'inversify';
import type { ModelCatalog } from '../../domain/catalog/model-catalog';
import { AWS_SERVICES } from '../../domain/services/aws-services';
import type { AwsService } from '../../domain/services/aws-service';
import type { Clock } from '../../ports/clock';
import type { ModelProviders } from '../../ports/llm-provider';
import type { SecretStore } from '../../ports/secret-store';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { SayingRepo } from '../../ports/saying-repo';
import type { FeedbackRepo } from '../../ports/feedback-repo';
import type { UsageLedger } from '../../ports/usage-ledger';
import { InMemoryFeedbackRepo } from '../../adapters/memory/in-memory-feedback-repo';
import { InMemoryMetricsSink } from '../../adapters/memory/in-memory-metrics-sink';
import { InMemorySayingRepo } from '../../adapters/memory/in-memory-saying-repo';
import { InMemoryUsageLedger } from '../../adapters/memory/in-memory-usage-ledger';
import type { MemoryState } from '../../adapters/memory/memory-state';
import { CollectionCache } from '../../application/sayings/collection-cache';
import { GeneratedSayingPool } from '../../application/sayings/generated-saying-pool';
import { ModelDirectory } from '../../application/sayings/models';
import { PoolBuilder } from '../../application/sayings/pool-builder';
import { SayingGenerator } from '../../application/sayings/saying-generator';
import { ServicePicker } from '../../application/sayings/service-picker';
import { GetSayingUseCase } from '../../application/get-saying/get-saying.use-case';
import { SubmitFeedbackUseCase } from '../../application/submit-feedback/submit-feedback.use-case';
import { GetStatsUseCase } from '../../application/get-stats/get-stats.use-case';
import { GetHealthUseCase } from '../../application/get-health/get-health.use-case';
import { SeedCollectionUseCase } from '../../application/seed-collection/seed-collection.use-case';
import type { AppConfig, LocalConfig } from '../config/app-config';
import { InMemorySessionRepo } from '../../adapters/memory/in-memory-session-repo';
import { bindCacheAndLimits } from './cache-and-limits';
import { bindLocalJobs } from './jobs-bindings';
import { bindKeys, bindLocalKeys } from './keys-bindings';
import type { ApiKeyState } from '../../adapters/memory/api-key-state';
import { bindChat } from './chat-bindings';
import { bindGateway } from './gateway-bindings';
import { TOKENS as T } from './tokens';

export interface LocalRuntime {
  readonly config: LocalConfig;
  readonly catalog: ModelCatalog;
  /** The shared state of the in-memory adapters; journaled to disk by the caller when persistent. */
  readonly state: MemoryState;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly secrets: SecretStore;
  /** Which provider serves each catalog model (real ones where configured, else the offline simulation). */
  readonly providers: ModelProviders;
  /** The API keys' state, journaled to DATA_DIR by the caller when persistent (in memory only when absent). */
  readonly apiKeys?: ApiKeyState;
}

/**
 * The composition root of the `local` profile: every port bound to its local adapter with factory
 * bindings (no decorators, so esbuild bundles run — see ADR 0002). Built once; tests rebind before use.
 */
export function buildLocalContainer(runtime: LocalRuntime): Container {
  const { config } = runtime;
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(T.Config).toConstantValue(config);
  c.bind(T.Catalog).toConstantValue(runtime.catalog);
  c.bind(T.Services).toConstantValue(AWS_SERVICES);
  c.bind(T.Clock).toConstantValue(runtime.clock);
  c.bind(T.Random).toConstantValue(runtime.random);
  c.bind(T.Logger).toConstantValue(runtime.logger);
  c.bind(T.MemoryState).toConstantValue(runtime.state);
  c.bind(T.SecretStore).toConstantValue(runtime.secrets);

  c.bind(T.SayingRepo).toResolvedValue((s: MemoryState) => new InMemorySayingRepo(s), [T.MemoryState]);
  c.bind(T.FeedbackRepo).toResolvedValue((s: MemoryState) => new InMemoryFeedbackRepo(s), [T.MemoryState]);
  c.bind(T.UsageLedger).toResolvedValue((s: MemoryState) => new InMemoryUsageLedger(s), [T.MemoryState]);
  const metrics = new InMemoryMetricsSink();
  c.bind(T.MetricsSink).toConstantValue(metrics);
  bindCacheAndLimits(c, { redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, environment: 'local', logger: runtime.logger, metrics, clock: runtime.clock });
  c.bind(T.ModelProviders).toConstantValue(runtime.providers);
  bindLocalJobs(c, config);
  bindLocalKeys(c, config, runtime.apiKeys);
  bindChat(c, config, ({ get }) => new InMemorySessionRepo(get(T.MemoryState), get(T.Clock)));

  bindApplication(c, config);
  return c;
}

/** Use cases and their collaborators: the same for every profile. */
export function bindApplication(c: Container, config: AppConfig): void {
  c.bind(T.ModelDirectory).toResolvedValue((cat: ModelCatalog, p: ModelProviders) => new ModelDirectory(cat, p), [T.Catalog, T.ModelProviders]);
  c.bind(T.SayingPool).toResolvedValue(
    (r: RandomSource) => new GeneratedSayingPool({ maxSize: config.POOL_MAX_SIZE, memory: 5_000 }, r),
    [T.Random],
  );
  c.bind(T.ServicePicker).toResolvedValue(
    (services: readonly AwsService[], r: RandomSource) => new ServicePicker(services, 24, r),
    [T.Services, T.Random],
  );
  c.bind(T.CollectionCache).toResolvedValue(
    (repo: SayingRepo, clock: Clock) => new CollectionCache(repo, clock, config.COLLECTION_CACHE_TTL_MS),
    [T.SayingRepo, T.Clock],
  );
  c.bind(T.SayingGenerator).toResolvedValue(
    (clock: Clock, r: RandomSource, ledger: UsageLedger) => new SayingGenerator(clock, r, ledger),
    [T.Clock, T.Random, T.UsageLedger],
  );
  c.bind(T.PoolBuilder).toDynamicValue(
    ({ get }) =>
      new PoolBuilder(
        get(T.ModelDirectory), get(T.SayingGenerator), get(T.SayingPool), get(T.ServicePicker), get(T.CollectionCache),
        get(T.UsageLedger), get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random),
        { servicesPerBuild: 3, retryAfterFailureMs: 30_000 },
      ),
  );
  c.bind(T.GetSaying).toDynamicValue(
    ({ get }) =>
      new GetSayingUseCase(
        get(T.ModelDirectory), get(T.SayingPool), get(T.PoolBuilder), get(T.SayingGenerator), get(T.ServicePicker),
        get(T.CollectionCache), get(T.SayingRepo), get(T.UsageLedger), get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random),
        { refillThreshold: config.POOL_REFILL_THRESHOLD, servicesPerCall: 3, liveDeadlineMs: config.LIVE_DEADLINE_MS, recentSayings: 20 },
      ),
  );
  c.bind(T.SubmitFeedback).toDynamicValue(
    ({ get }) =>
      new SubmitFeedbackUseCase(
        get(T.SayingRepo), get(T.FeedbackRepo), get(T.RateLimiter), get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random),
        get(T.Catalog), { limit: config.VOTES_PER_MINUTE, windowMs: 60_000 },
      ),
  );
  c.bind(T.GetStats).toResolvedValue(
    (l: UsageLedger, f: FeedbackRepo, s: SayingRepo, m: ModelDirectory, clock: Clock) => new GetStatsUseCase(l, f, s, m, clock),
    [T.UsageLedger, T.FeedbackRepo, T.SayingRepo, T.ModelDirectory, T.Clock],
  );
  c.bind(T.GetHealth).toResolvedValue((m: ModelDirectory, s: SayingRepo, clock: Clock) => new GetHealthUseCase(m, s, clock), [T.ModelDirectory, T.SayingRepo, T.Clock]);
  c.bind(T.SeedCollection).toResolvedValue((s: SayingRepo, l: Logger) => new SeedCollectionUseCase(s, l), [T.SayingRepo, T.Logger]);
  bindKeys(c, config);
  bindGateway(c, config);
}
