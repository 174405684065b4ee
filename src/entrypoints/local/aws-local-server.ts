import 'reflect-metadata';
import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTables } from '../../adapters/aws/dynamodb/ensure-tables';
import { COLLECTION_ENTRIES } from '../../adapters/collection/collection-entries';
import { PinoLogger } from '../../adapters/logging/pino-logger';
import type { SeedCollectionUseCase } from '../../application/seed-collection/seed-collection.use-case';
import { ConfigError, loadAwsConfig, parseOrigins } from '../config/app-config';
import { buildAwsContainer } from '../container/aws-container';
import type { RedisHandle } from '../container/cache-and-limits';
import { startJobs } from '../container/jobs-bindings';
import { buildSecretStore, configuredVendors } from '../container/model-providers';
import { resolveRoutes } from '../container/routes';
import { TOKENS } from '../container/tokens';
import { createApp } from '../http/app';

/**
 * `npm run start:aws-local`: the aws profile's container (DynamoDB, Redis or SQS) behind the local Express door,
 * configured from the environment (no SSM). With DYNAMODB_ENDPOINT (DynamoDB Local) it creates the tables it
 * names. Its jobs run on `npm run worker` processes by default (JOBS_WORKER=inline runs one here too).
 */
async function main(): Promise<void> {
  const env: Record<string, string | undefined> = { CONFIG_SOURCE: 'env', SECRETS_SOURCE: 'env', ...process.env };
  const config = loadAwsConfig({}, env);
  const logger = new PinoLogger({ level: config.LOG_LEVEL, service: 'cloud-sayings' });
  const dynamoDb = new DynamoDBClient({ region: config.AWS_REGION, maxAttempts: 3, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) });
  if (config.DYNAMODB_ENDPOINT) {
    await ensureTables(dynamoDb, { sayings: config.SAYINGS_TABLE, feedback: config.FEEDBACK_TABLE, usage: config.USAGE_TABLE, ...(config.JOBS_TABLE ? { jobs: config.JOBS_TABLE } : {}) });
  }
  const configured = await configuredVendors(config, buildSecretStore(config, env));
  const container = buildAwsContainer({ config, env, logger, dynamoDb, configured });
  await container.get<SeedCollectionUseCase>(TOKENS.SeedCollection).execute(COLLECTION_ENTRIES, Date.now());
  const stopJobs = await startJobs(container, config, 'off');
  const app = createApp({
    routes: resolveRoutes(container),
    logger,
    allowedOrigins: parseOrigins(config.ALLOWED_ORIGINS),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  });
  const server = createServer(app).listen(config.PORT, config.HOST, () => logger.info('listening', { url: `http://${config.HOST}:${config.PORT}`, profile: 'aws' }));
  const stop = (signal: string): void => {
    logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
    void stopJobs()
      .then(() => container.get<RedisHandle>(TOKENS.Redis).close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(1);
});
