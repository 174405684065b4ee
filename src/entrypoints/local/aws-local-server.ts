import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsLocalApp } from './aws-local-app';
import { LOCAL_CLIENT_CONFIG, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { failStart, serveUntilSignal } from './serve';

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
  serveUntilSignal(
    {
      ...local,
      close: async () => {
        await local.close();
        await dynamoLocal?.stop();
      },
    },
    'listening (aws profile on one machine)',
    { dynamoDb: endpoint },
  );
}

main().catch(failStart);
