import 'reflect-metadata';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../config/app-config';
import { createAwsLocalApp } from './aws-local-app';
import { LOCAL_CLIENT_CONFIG, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';

/**
 * `npm run start:aws-local`: the `aws` profile's adapters behind the Express server. Without DYNAMODB_ENDPOINT
 * it starts AWS's DynamoDB Local itself (data kept under DATA_DIR/dynamodb-local) and stops it on exit.
 */
async function main(): Promise<void> {
  const env = process.env;
  let dynamoLocal: DynamoDbLocal | undefined;
  let endpoint = env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined || endpoint === '') {
    const dbPath = resolve(env.DATA_DIR ?? './data', 'dynamodb-local');
    mkdirSync(dbPath, { recursive: true });
    dynamoLocal = await startDynamoDbLocal({ cacheDir: resolve('.cache', 'dynamodb-local'), dbPath });
    endpoint = dynamoLocal.endpoint;
  }
  const dynamoDb = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, region: env.AWS_REGION ?? LOCAL_CLIENT_CONFIG.region, endpoint, maxAttempts: 3 });
  const local = await createAwsLocalApp({ env: { ...env, DYNAMODB_ENDPOINT: endpoint }, dynamoDb, webDir: join(__dirname, '..', 'web') }).catch(
    async (error: unknown) => {
      await dynamoLocal?.stop();
      throw error;
    },
  );
  const server = createServer(local.app);
  server.keepAliveTimeout = 65_000;
  server.listen(local.config.PORT, local.config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : local.config.PORT;
    local.logger.info('listening (aws profile on one machine)', { url: `http://${local.config.HOST}:${port}`, dynamoDb: endpoint });
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    local.logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    void local
      .close()
      .then(() => dynamoLocal?.stop())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(1);
});
