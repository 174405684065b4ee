import type { Container } from 'inversify';
import type { Express } from 'express';
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { COLLECTION_ENTRIES } from '../../adapters/collection/collection-entries';
import { FileState } from '../../adapters/file/file-state';
import { PinoLogger } from '../../adapters/logging/pino-logger';
import { MemoryState } from '../../adapters/memory/memory-state';
import { CryptoRandomSource } from '../../adapters/system/crypto-random-source';
import { SystemClock } from '../../adapters/system/system-clock';
import type { PoolBuilder } from '../../application/sayings/pool-builder';
import type { ChatCompletionUseCase } from '../../application/gateway/chat-completion.use-case';
import type { SeedCollectionUseCase } from '../../application/seed-collection/seed-collection.use-case';
import type { Logger } from '../../ports/logger';
import type { Clock } from '../../ports/clock';
import { loadLocalConfig, type LocalConfig } from '../config/app-config';
import type { RedisHandle } from '../container/cache-and-limits';
import { startJobs } from '../container/jobs-bindings';
import { buildLocalContainer } from '../container/local-container';
import { buildModelProviders, buildSecretStore, configuredVendors } from '../container/model-providers';
import { buildCatalog } from '../../domain/catalog/model-catalog';
import { TOKENS } from '../container/tokens';
import { loopbackUrl, openLocalKeyStore } from './local-key-store';
import { doors } from './serve';
import type { ModelDirectory } from '../../application/sayings/models';

export interface LocalApp {
  readonly app: Express;
  /** What the HTTP server runs: the gateway's own door for `/v1/`, the Express app for the rest. */
  readonly listener: RequestListener;
  readonly container: Container;
  readonly config: LocalConfig;
  readonly logger: Logger;
  /** Tells `npm run keys` where the admin API listens. */
  advertiseAdmin(url: string): void;
  /** The serve loop calls it once the server listens: the admin API is advertised on loopback. */
  onListening(port: number): void;
  /** Waits for background builds and writes everything pending to disk. */
  close(): Promise<void>;
}

export interface LocalAppOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Keep state in memory only, ignoring DATA_DIR (tests). */
  readonly inMemory?: boolean;
  readonly logger?: Logger;
  /** Rebinds ports before anything is resolved (tests). */
  readonly configure?: (container: Container) => void;
  /** Built web pages to serve at / and /dashboard. */
  readonly webDir?: string;
}

/** Everything `npm start` runs, minus the listening socket: config, state, container, seed, app. */
export async function createLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const config = loadLocalConfig(options.env);
  const pinoLogger = options.logger ? undefined : new PinoLogger({ level: config.LOG_LEVEL, service: 'cloud-sayings', bufferBytes: config.LOG_BUFFER_BYTES });
  const logger = options.logger ?? (pinoLogger as PinoLogger);
  const clock: Clock = new SystemClock();
  const fileState = options.inMemory
    ? undefined
    : await FileState.open(
        { dataDir: resolve(config.DATA_DIR), flushDelayMs: config.JOURNAL_FLUSH_MS, compactionRatio: 4, minLinesBeforeCompaction: 20_000, maxUsageEntries: 200_000 },
        logger,
      );
  const keyStore = options.inMemory
    ? undefined
    : await openLocalKeyStore(resolve(config.DATA_DIR), { role: 'server', flushDelayMs: config.JOURNAL_FLUSH_MS, waitMs: 10_000 }, logger).catch(async (error: unknown) => {
        await fileState?.close();
        throw error;
      });
  const random = new CryptoRandomSource();
  const catalog = buildCatalog(config.MODEL_OVERRIDES);
  const secrets = buildSecretStore(config, options.env);
  const configured = await configuredVendors(config, secrets);
  const providers = buildModelProviders({ catalog, config, secrets, configured, clock, random, logger });
  const container = buildLocalContainer({
    config, catalog, state: fileState?.state ?? new MemoryState(), logger, clock, random, secrets, providers, ...(keyStore ? { apiKeys: keyStore.state } : {}),
  });
  options.configure?.(container);

  await container.get<SeedCollectionUseCase>(TOKENS.SeedCollection).execute(COLLECTION_ENTRIES, clock.now());
  const models = container.get<ModelDirectory>(TOKENS.ModelDirectory);
  for (const m of models.sayingModels()) {
    logger.info('model', { model: m.key, status: models.isLive(m.key) ? 'live' : 'offline', provider: models.provider(m.key)?.name });
  }
  const stopJobs = await startJobs(container, config, 'inline');
  const { app, listener } = doors(container, config, logger, options.webDir);
  return {
    app,
    listener,
    container,
    config,
    logger,
    advertiseAdmin: (url) => keyStore?.advertise(url),
    onListening: (port) => keyStore?.advertise(loopbackUrl(config.HOST, port)),
    close: async () => {
      await stopJobs();
      await container.get<PoolBuilder>(TOKENS.PoolBuilder).settled();
      await container.get<ChatCompletionUseCase>(TOKENS.GatewayChat).settledAll();
      await fileState?.close();
      await keyStore?.close();
      await container.get<RedisHandle>(TOKENS.Redis).close();
      pinoLogger?.flush();
    },
  };
}
