import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableLogicalName } from './table-design';

export interface EnsureTablesOptions {
  /** How long to wait for all tables (and their indexes) to become ACTIVE. */
  readonly timeoutMs?: number;
}

/**
 * Creates the missing tables of `names` (logical → physical name), waits until each and its indexes are ACTIVE
 * and enables TTL where the design has one. For local runs and tests; in AWS the CDK stack owns the tables.
 * Safe to run on every start and from several processes at once.
 */
export async function ensureTables(
  client: DynamoDBClient,
  names: Partial<Readonly<Record<TableLogicalName, string>>>,
  options: EnsureTablesOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const wanted = Object.entries(names).filter((entry): entry is [TableLogicalName, string] => entry[1] !== undefined);
  await Promise.all(wanted.map(([logical, tableName]) => ensureTable(client, logical, tableName, deadline)));
}

async function ensureTable(client: DynamoDBClient, logical: TableLogicalName, tableName: string, deadline: number): Promise<void> {
  const design = TABLES[logical];
  if (!(await describe(client, tableName))) {
    try {
      await client.send(new CreateTableCommand(design.createTableInput(tableName)));
    } catch (error) {
      // Another process created it between our look and our create.
      if (!isNamed(error, 'ResourceInUseException')) throw error;
    }
  }
  await waitUntilActive(client, tableName, deadline);
  if (design.ttlAttribute !== undefined) await enableTtl(client, tableName, design.ttlAttribute);
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadline: number): Promise<void> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() + delay > deadline) throw new Error(`table ${tableName} did not become ACTIVE in time (status ${table?.TableStatus ?? 'missing'})`);
    await new Promise((done) => setTimeout(done, delay));
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }));
  } catch (error) {
    // A concurrent ensureTables enabled it first.
    if (!(isNamed(error, 'ValidationException') && /already enabled/i.test(error instanceof Error ? error.message : ''))) throw error;
  }
}

const isNamed = (error: unknown, name: string): error is Error => error instanceof Error && error.name === name;
