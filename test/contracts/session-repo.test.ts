import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbSessionRepo } from '../../src/adapters/aws/dynamodb/dynamodb-session-repo';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { InMemorySessionRepo } from '../../src/adapters/memory/in-memory-session-repo';
import { MemoryState } from '../../src/adapters/memory/memory-state';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { sessionRepoContract, type SessionStore } from './session-repo.contract';
import { openTempFileState, type ManualClock, type TempFileState } from './support';

/* The SessionRepo contract against memory, the local journal (with and without constant compaction) and DynamoDB Local. */

sessionRepoContract('in-memory', (clock) => Promise.resolve({ sessions: new InMemorySessionRepo(new MemoryState(), clock), close: () => Promise.resolve() }));

const overFile = (temp: TempFileState, clock: ManualClock): SessionStore => ({
  sessions: new InMemorySessionRepo(temp.fileState.state, clock),
  close: () => temp.close(),
  reopen: async () => overFile(await temp.reopen(), clock),
});

sessionRepoContract('file-backed (FileState)', async (clock) => overFile(await openTempFileState(), clock));
sessionRepoContract('file-backed, compacting constantly', async (clock) =>
  overFile(await openTempFileState({ compactionRatio: 1.2, minLinesBeforeCompaction: 4 }), clock),
);

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 600_000);
afterAll(async () => {
  await local?.stop();
});

let tables = 0;
sessionRepoContract('DynamoDB Local', async (clock) => {
  const tableName = `contract-${process.pid}-${++tables}-sessions`;
  await ensureTables(local.client, { sessions: tableName });
  // No removeUndefinedValues: the adapter must never hand the SDK an undefined.
  const make = (): SessionStore => ({
    sessions: new DynamoDbSessionRepo({ client: DynamoDBDocumentClient.from(local.client), tableName, clock }),
    close: async () => {
      await local.client.send(new DeleteTableCommand({ TableName: tableName }));
    },
    reopen: () => Promise.resolve(make()),
  });
  return make();
});
