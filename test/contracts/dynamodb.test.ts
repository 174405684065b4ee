import { dropTables, freshTables, portsOn, startDynamoDbLocal, type DynamoDbLocal, type RepoTables } from '../support/dynamodb-local';
import { feedbackRepoContract } from './feedback-repo.contract';
import { sayingRepoContract } from './saying-repo.contract';
import { usageLedgerContract } from './usage-ledger.contract';

/*
 * The repository contracts against AWS's DynamoDB Local. Every `make` creates fresh tables under unique
 * names (the suites want an empty store per test); `close` drops them; `reopen` builds new adapters — a new
 * process, with an empty cache — over the same tables.
 */

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 600_000);
afterAll(async () => {
  await local?.stop();
});

function over(names: RepoTables) {
  return {
    ...portsOn(local.client, names),
    close: () => dropTables(local, names),
    reopen: () => Promise.resolve(over(names)),
  };
}

const fresh = async () => over(await freshTables(local, 'contract'));

sayingRepoContract('DynamoDB Local', fresh);
feedbackRepoContract('DynamoDB Local', fresh);
usageLedgerContract('DynamoDB Local', fresh);
