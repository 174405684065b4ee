import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbSayingRepo } from '../../src/adapters/aws/dynamodb/dynamodb-saying-repo';
import { DynamoDbUsageLedger } from '../../src/adapters/aws/dynamodb/dynamodb-usage-ledger';
import { toSayingItem } from '../../src/adapters/aws/dynamodb/saying-item';
import { SayingRepoError } from '../../src/ports/saying-repo';
import { UsageLedgerError } from '../../src/ports/usage-ledger';
import { makeSaying, ManualClock } from '../contracts/support';

/* The saying cache and error translation, with the SDK mocked (behaviour on DynamoDB Local is in the contract tests). */

function setup(cacheTtlMs?: number) {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  const mock = mockClient(doc);
  const clock = new ManualClock();
  const repo = new DynamoDbSayingRepo({ client: doc, tableName: 'sayings', clock, ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }) });
  return { doc, mock, clock, repo };
}

const throttled = () => new ProvisionedThroughputExceededException({ message: 'throughput exceeded', $metadata: { httpStatusCode: 400 } });

describe('DynamoDbSayingRepo.get cache', () => {
  it('serves a saying from memory for 5 minutes by default, then reads it again', async () => {
    const { mock, clock, repo } = setup();
    const saying = makeSaying();
    mock.on(GetCommand).resolves({ Item: toSayingItem(saying) });
    await expect(repo.get(saying.id)).resolves.toEqual(saying);
    clock.advance(5 * 60_000 - 1);
    await expect(repo.get(saying.id)).resolves.toEqual(saying);
    expect(mock.commandCalls(GetCommand)).toHaveLength(1);
    clock.advance(1);
    await repo.get(saying.id);
    expect(mock.commandCalls(GetCommand)).toHaveLength(2);
    // Reads that fill the cache are strongly consistent: a saying stored a moment ago elsewhere is found.
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('does not cache a miss, so a saying stored by another instance is found at once', async () => {
    const { mock, repo } = setup();
    const saying = makeSaying();
    mock.on(GetCommand).resolvesOnce({}).resolves({ Item: toSayingItem(saying) });
    await expect(repo.get(saying.id)).resolves.toBeUndefined();
    await expect(repo.get(saying.id)).resolves.toEqual(saying);
  });

  it('caches nothing with a TTL of 0', async () => {
    const { mock, repo } = setup(0);
    const saying = makeSaying();
    mock.on(GetCommand).resolves({ Item: toSayingItem(saying) });
    await repo.get(saying.id);
    await repo.get(saying.id);
    expect(mock.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('never reads the counter item (or any non-saying item) as a saying', async () => {
    const { mock, repo } = setup();
    mock.on(GetCommand).resolves({ Item: { pk: '#count', sayings: 3 } });
    await expect(repo.get('#count')).resolves.toBeUndefined();
  });

  it('caches a saying it stored, and counts it once', async () => {
    const { mock, repo } = setup();
    const saying = makeSaying();
    mock.on(PutCommand).resolves({});
    mock.on(UpdateCommand).resolves({});
    await repo.putIfAbsent(saying);
    await expect(repo.get(saying.id)).resolves.toEqual(saying);
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
    expect(mock.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});

describe('DynamoDB errors become port errors', () => {
  it('wraps an SDK error (after its retries) in SayingRepoError, naming it and keeping it as the cause', async () => {
    const { mock, repo } = setup();
    const cause = throttled();
    mock.on(GetCommand).rejects(cause);
    const error: unknown = await repo.get('s-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SayingRepoError);
    expect((error as Error).message).toBe('DynamoDB GetItem on sayings failed (ProvisionedThroughputExceededException)');
    expect((error as Error).cause).toBe(cause);
  });

  it('reports an item that does not parse as the port error, not as a half-built saying', async () => {
    const { mock, repo } = setup();
    mock.on(GetCommand).resolves({ Item: { ...toSayingItem(makeSaying()), upvotes: 'many' } });
    await expect(repo.get('s-1')).rejects.toBeInstanceOf(SayingRepoError);
  });

  it('does not count a saying whose put was refused because it exists', async () => {
    const { mock, repo } = setup();
    mock.on(PutCommand).rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    await repo.putIfAbsent(makeSaying());
    expect(mock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('wraps usage ledger failures in UsageLedgerError', async () => {
    const { doc, mock } = setup();
    mock.onAnyCommand().rejects(throttled());
    const ledger = new DynamoDbUsageLedger({ client: doc, tableName: 'usage' });
    await expect(ledger.list({ from: 0, to: 1 })).rejects.toBeInstanceOf(UsageLedgerError);
  });
});
