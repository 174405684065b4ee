import { DeleteTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { TABLE_LOGICAL_NAMES, TABLES, tableNames } from '../../src/adapters/aws/dynamodb/table-design';
import { bucketsInRange, MAX_QUERY_DAYS, shardOf, sortableAt, timeBucket } from '../../src/adapters/aws/dynamodb/time-buckets';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

describe('table design', () => {
  it('describes every table the product needs', () => {
    expect(Object.keys(TABLES).sort()).toEqual([...TABLE_LOGICAL_NAMES].sort());
    expect(tableNames('cloud-sayings-prod')).toMatchObject({ sayings: 'cloud-sayings-prod-sayings', apiKeys: 'cloud-sayings-prod-apiKeys' });
  });

  it.each(TABLE_LOGICAL_NAMES)('builds an on-demand CreateTable input for %s that defines exactly its key attributes', (name) => {
    const design = TABLES[name];
    const input = design.createTableInput(`t-${name}`);
    expect(input.TableName).toBe(`t-${name}`);
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    const keyNames = new Set([
      ...(input.KeySchema ?? []).map((k) => k.AttributeName),
      ...(input.GlobalSecondaryIndexes ?? []).flatMap((i) => (i.KeySchema ?? []).map((k) => k.AttributeName)),
    ]);
    const defined = (input.AttributeDefinitions ?? []).map((a) => a.AttributeName);
    // DynamoDB rejects a definition no key uses, and a key without a definition.
    expect(new Set(defined)).toEqual(keyNames);
    expect(defined).toHaveLength(keyNames.size);
    expect(input.KeySchema?.[0]).toEqual({ AttributeName: design.partitionKey.name, KeyType: 'HASH' });
    for (const index of input.GlobalSecondaryIndexes ?? []) expect(index.ProvisionedThroughput).toBeUndefined();
  });
});

describe('time buckets', () => {
  it('spreads ids over shards and names the UTC day', () => {
    const shards = new Set(Array.from({ length: 400 }, (_, i) => shardOf(`id-${i}`, 8)));
    expect(shards).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(timeBucket(Date.UTC(2025, 0, 31, 23, 59, 59, 999), 3)).toBe('2025-01-31#3');
    expect(timeBucket(0, 0)).toBe('1970-01-01#0');
  });

  it('lists each day × shard of a range once, and gives up (scan) past the query limit', () => {
    const day = 86_400_000;
    expect(bucketsInRange({ from: 5 * day - 1, to: 5 * day }, 2)).toEqual(['1970-01-05#0', '1970-01-05#1', '1970-01-06#0', '1970-01-06#1']);
    expect(bucketsInRange({ from: 10, to: 5 }, 4)).toEqual([]);
    expect(bucketsInRange({ from: 0, to: MAX_QUERY_DAYS * day - 1 }, 1)).toHaveLength(MAX_QUERY_DAYS);
    expect(bucketsInRange({ from: 0, to: MAX_QUERY_DAYS * day }, 1)).toBeUndefined();
    expect(bucketsInRange({ from: 0, to: Number.MAX_SAFE_INTEGER }, 4)).toBeUndefined();
  });

  it('sorts times as strings in time order', () => {
    const times = [0, 9, 10, 1_700_000_000_000, Number.MAX_SAFE_INTEGER];
    expect(times.map(sortableAt)).toEqual([...times.map(sortableAt)].sort());
  });
});

describe('ensureTables on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
  }, 600_000);
  afterAll(async () => {
    await local?.stop();
  });

  it('creates every designed table ACTIVE with its indexes and TTL, and is safe to run again and concurrently', async () => {
    const names = tableNames(`ensure-${process.pid}`);
    await Promise.all([ensureTables(local.client, names), ensureTables(local.client, names)]);
    await ensureTables(local.client, names);
    for (const logical of TABLE_LOGICAL_NAMES) {
      const design = TABLES[logical];
      const { Table: table } = await local.client.send(new DescribeTableCommand({ TableName: names[logical] }));
      expect(table?.TableStatus).toBe('ACTIVE');
      expect((table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(design.globalSecondaryIndexes.map((i) => i.indexName).sort());
      const ttl = await local.client.send(new DescribeTimeToLiveCommand({ TableName: names[logical] }));
      if (design.ttlAttribute === undefined) {
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED').toBe('DISABLED');
      } else {
        expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: design.ttlAttribute });
      }
    }
    await Promise.all(Object.values(names).map((TableName) => local.client.send(new DeleteTableCommand({ TableName }))));
  });
});
