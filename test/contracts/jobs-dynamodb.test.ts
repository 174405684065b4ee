import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobRepo } from '../../src/adapters/aws/dynamodb/dynamodb-job-repo';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { JobRepoError } from '../../src/ports/job-repo';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { jobRepoContract, makeJob } from './job-repo.contract';
import { ManualClock } from './support';

/*
 * The JobRepo contract on AWS's DynamoDB Local, on the jobs table of the shared design (keys, TTL). One table
 * for the file: every case uses job ids of its own, so the store is empty as far as each case can see.
 */

let local: DynamoDbLocal;
const tableName = `jobs-contract-${process.pid}`;
beforeAll(async () => {
  local = await startDynamoDbLocal();
  await ensureTables(local.client, { jobs: tableName });
}, 600_000);
afterAll(async () => {
  await local?.stop();
});

jobRepoContract('DynamoDbJobRepo (DynamoDB Local)', () => {
  // Real time: DynamoDB Local sweeps items whose TTL is past in real time (a 2023 clock would make jobs vanish).
  const clock = new ManualClock(Date.now());
  // No removeUndefinedValues: the adapter must never hand the SDK an undefined.
  const repo = new DynamoDbJobRepo({ client: DynamoDBDocumentClient.from(local.client), tableName, clock });
  return Promise.resolve({ repo, clock, close: () => Promise.resolve() });
});

describe('DynamoDbJobRepo', () => {
  it('turns an unreachable table into a JobRepoError naming the SDK error, with the cause kept', async () => {
    const repo = new DynamoDbJobRepo({ client: DynamoDBDocumentClient.from(local.client), tableName: 'no-such-table' });
    const error: unknown = await repo.get('00000000-0000-4000-8000-000000000001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobRepoError);
    expect((error as Error).message).toBe('DynamoDB get failed (ResourceNotFoundException)');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('a job is visible to another instance (another client) at once: reads are strongly consistent', async () => {
    const clock = new ManualClock(Date.now());
    const writer = new DynamoDbJobRepo({ client: DynamoDBDocumentClient.from(local.client), tableName, clock });
    const other = localClient(local);
    try {
      const reader = new DynamoDbJobRepo({ client: DynamoDBDocumentClient.from(other), tableName, clock });
      const job = makeJob(2, clock.now());
      await writer.create(job);
      await writer.settle(job.header.id, 1, { status: 'succeeded', at: 9 });
      expect((await reader.get(job.header.id))?.items.map((i) => i.status)).toEqual(['pending', 'succeeded']);
    } finally {
      other.destroy();
    }
  });
});
