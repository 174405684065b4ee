import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Container } from 'inversify';
import type { Express } from 'express';
import type { RequestListener } from 'node:http';
import { ensureTables } from '../../adapters/aws/dynamodb/ensure-tables';
import { TABLE_LOGICAL_NAMES, tableNames } from '../../adapters/aws/dynamodb/table-design';
import { PowertoolsLogger, type PowertoolsLevel } from '../../adapters/aws/observability/powertools-logger';
import { COLLECTION_ENTRIES } from '../../adapters/collection/collection-entries';
import type { ChatCompletionUseCase } from '../../application/gateway/chat-completion.use-case';
import type { PoolBuilder } from '../../application/sayings/pool-builder';
import type { SeedCollectionUseCase } from '../../application/seed-collection/seed-collection.use-case';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { loadAwsConfig, type AwsConfig } from '../config/app-config';
import { TABLE_ENV } from '../config/table-env';
import { buildAwsContainer } from '../container/aws-container';
import type { RedisHandle } from '../container/cache-and-limits';
import { startJobs } from '../container/jobs-bindings';
import { buildSecretStore, configuredVendors } from '../container/model-providers';
import { TOKENS } from '../container/tokens';
import { doors } from './serve';

/**
 * What the `aws` profile reads, with defaults for one machine: tables `cloud-sayings-local-*`, configuration
 * and provider keys from the environment (no SSM), the machine's Redis. Anything set in `env` wins.
 */
export function awsLocalEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const names = tableNames(env.TABLE_PREFIX ?? 'cloud-sayings-local');
  const tables = Object.fromEntries(TABLE_LOGICAL_NAMES.map((t) => [TABLE_ENV[t], names[t]]));
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return { APP_ENV: 'dev', SECRETS_SOURCE: 'env', REDIS_URL: 'redis://127.0.0.1:6379', ...tables, ...defined };
}

export interface AwsLocalApp {
  readonly app: Express;
  /** The server's listener: the gateway's lean door for `/v1/` in front of Express when the gateway is mounted. */
  readonly listener: RequestListener;
  readonly container: Container;
  readonly config: AwsConfig;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface AwsLocalOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** DynamoDB Local (or any DynamoDB endpoint) with credentials that match it. */
  readonly dynamoDb: DynamoDBClient;
  readonly logger?: Logger;
  readonly webDir?: string;
}

/**
 * The production wiring (`aws` profile: DynamoDB, Redis, EMF metrics, Powertools logs) behind the Express door
 * on one machine: creates the tables, seeds the collection, and serves every route.
 */
export async function createAwsLocalApp(options: AwsLocalOptions): Promise<AwsLocalApp> {
  const env = awsLocalEnvironment(options.env);
  const config = loadAwsConfig({}, env);
  const logger =
    options.logger ?? PowertoolsLogger.create(env.POWERTOOLS_SERVICE_NAME ?? 'cloud-sayings-local', config.LOG_LEVEL.toUpperCase() as PowertoolsLevel);
  const tables = Object.fromEntries(TABLE_LOGICAL_NAMES.flatMap((t) => (env[TABLE_ENV[t]] ? [[t, env[TABLE_ENV[t]] as string]] : [])));
  await ensureTables(options.dynamoDb, tables);
  const configured = await configuredVendors(config, buildSecretStore(config, env));
  const container = buildAwsContainer({ config, env, logger, dynamoDb: options.dynamoDb, configured });
  await container.get<SeedCollectionUseCase>(TOKENS.SeedCollection).execute(COLLECTION_ENTRIES, Date.now());
  // Its jobs go to `npm run worker` processes by default (JOBS_WORKER=inline runs one here as well).
  const stopJobs = await startJobs(container, config, 'off');
  const { app, listener } = doors(container, config, logger, options.webDir);
  return {
    app,
    listener,
    container,
    config,
    logger,
    close: async () => {
      await stopJobs();
      await container.get<PoolBuilder>(TOKENS.PoolBuilder).settled();
      await container.get<ChatCompletionUseCase>(TOKENS.GatewayChat).settledAll();
      await container.get<MetricsSink>(TOKENS.MetricsSink).flush();
      await container.get<RedisHandle>(TOKENS.Redis).close();
    },
  };
}
