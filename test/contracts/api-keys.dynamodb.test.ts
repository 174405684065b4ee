import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbApiKeyRepo } from '../../src/adapters/aws/dynamodb/dynamodb-api-key-repo';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { apiKeyRepoContract, type ApiKeyStore } from './api-key-repo.contract';

/*
 * The ApiKeyRepo contract against AWS's DynamoDB Local: fresh apiKeys table per test; `reopen` builds a new
 * adapter on a new SDK client, as another instance of the service would have.
 */

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 600_000);
afterAll(async () => {
  await local?.stop();
});

let run = 0;

async function fresh(): Promise<ApiKeyStore> {
  const tableName = `keys-contract-${process.pid}-${++run}-apiKeys`;
  await ensureTables(local.client, { apiKeys: tableName });
  const clients: ReturnType<typeof localClient>[] = [];
  const over = (): ApiKeyStore => {
    const client = localClient(local);
    clients.push(client);
    // No removeUndefinedValues: the adapter must never hand the SDK an undefined.
    return {
      repo: new DynamoDbApiKeyRepo({ client: DynamoDBDocumentClient.from(client), tableName }),
      close: async () => {
        await local.client.send(new DeleteTableCommand({ TableName: tableName }));
        for (const c of clients) c.destroy();
      },
      reopen: () => Promise.resolve(over()),
    };
  };
  return over();
}

apiKeyRepoContract('DynamoDB Local', fresh);
