import { join, resolve } from 'node:path';
import { DeleteTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbFeedbackRepo, type DynamoDbFeedbackRepoSettings } from '../../src/adapters/aws/dynamodb/dynamodb-feedback-repo';
import { DynamoDbSayingRepo } from '../../src/adapters/aws/dynamodb/dynamodb-saying-repo';
import { DynamoDbUsageLedger } from '../../src/adapters/aws/dynamodb/dynamodb-usage-ledger';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import {
  LOCAL_CLIENT_CONFIG,
  startDynamoDbLocal as startEmulator,
  type DynamoDbLocal,
} from '../../src/entrypoints/local/dynamodb-local';

export { LOCAL_CLIENT_CONFIG, type DynamoDbLocal };

/** The repository's own cache folder (git-ignored), shared with `npm run start:aws-local`. */
export const DYNAMODB_LOCAL_CACHE = join(resolve(__dirname, '..', '..'), '.cache', 'dynamodb-local');

/** AWS's DynamoDB Local in memory on a free port, for one test file (src/entrypoints/local/dynamodb-local.ts). */
export function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  return startEmulator({ cacheDir: DYNAMODB_LOCAL_CACHE });
}

// Tables and adapters on a running DynamoDB Local, for the contract and adapter tests.

export interface RepoTables {
  readonly sayings: string;
  readonly feedback: string;
  readonly usage: string;
}

let tableRun = 0;

/** Fresh, uniquely named sayings/feedback/usage tables on DynamoDB Local. */
export async function freshTables(local: DynamoDbLocal, label: string): Promise<RepoTables> {
  const prefix = `${label}-${process.pid}-${++tableRun}`;
  const names = { sayings: `${prefix}-sayings`, feedback: `${prefix}-feedback`, usage: `${prefix}-usage` };
  await ensureTables(local.client, names);
  return names;
}

export async function dropTables(local: DynamoDbLocal, names: RepoTables): Promise<void> {
  await Promise.all(Object.values(names).map((TableName) => local.client.send(new DeleteTableCommand({ TableName }))));
}

/** A new SDK client on DynamoDB Local — as another instance of the service would have. */
export function localClient(local: DynamoDbLocal, config: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: local.endpoint, ...config });
}

/** The three adapters over `names`, as the composition root wires them (one saying cache shared by two). */
export function portsOn(
  client: DynamoDBClient,
  names: RepoTables,
  feedback: Partial<Omit<DynamoDbFeedbackRepoSettings, 'client' | 'tableName' | 'sayingsTableName'>> = {},
) {
  // No removeUndefinedValues: the adapters must never hand the SDK an undefined.
  const doc = DynamoDBDocumentClient.from(client);
  const repo = new DynamoDbSayingRepo({ client: doc, tableName: names.sayings });
  return {
    repo,
    feedback: new DynamoDbFeedbackRepo({ client: doc, tableName: names.feedback, sayingsTableName: names.sayings, sayingCache: repo.cache, ...feedback }),
    usage: new DynamoDbUsageLedger({ client: doc, tableName: names.usage }),
  };
}
