import { TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeSaying, makeVote, retryOf } from '../contracts/support';
import type { CastVote, VoteOutcome } from '../../src/ports/feedback-repo';
import { dropTables, freshTables, localClient, portsOn, startDynamoDbLocal, type DynamoDbLocal, type RepoTables } from '../support/dynamodb-local';

/*
 * FAULTS #29 and #30 on DynamoDB Local: the vote transaction under contention, replays and conflicts.
 * Throttling (#12) is in dynamodb-throttling.test.ts.
 */

let local: DynamoDbLocal;
let tables: RepoTables;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 600_000);
afterAll(async () => {
  await local?.stop();
});
beforeEach(async () => {
  tables = await freshTables(local, 'votes');
});
afterEach(async () => {
  await dropTables(local, tables);
});

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** What a new instance (empty cache) reads. */
const stored = (id: string) => portsOn(local.client, tables).repo.get(id);

async function seeded(ports: ReturnType<typeof portsOn>): Promise<string> {
  const saying = makeSaying();
  await ports.repo.putIfAbsent(saying);
  return saying.id;
}

describe('DynamoDbFeedbackRepo under load (FAULTS #29)', () => {
  it('ends 10,000 votes on one saying from 50 concurrent clients, 5 % retried, with exact totals', async () => {
    // Two long-running service instances (each its own SDK client and adapters) serve the 50 clients; the
    // single-vote instances of Lambda are the next describe.
    const instances = Array.from({ length: 2 }, () => portsOn(localClient(local), tables));
    const first = instances[0];
    if (!first) throw new Error('no instance');
    const id = await seeded(first);

    const votes = Array.from({ length: 10_000 }, (_, i) => makeVote(id, i % 4 === 0 ? 'NEGATIVE' : 'POSITIVE', { at: 1_700_000_000_000 + i }));
    const calls: CastVote[] = [...votes];
    // 500 retries with the same key and body: half right behind their original (racing it), half much later.
    votes
      .filter((_, i) => i % 20 === 3)
      .forEach((vote, n) => {
        const index = calls.indexOf(vote);
        calls.splice(n % 2 === 0 ? index + 1 : Math.min(calls.length, index + 3_000), 0, retryOf(vote));
      });
    expect(calls).toHaveLength(10_500);

    const outcomes: VoteOutcome[] = new Array<VoteOutcome>(calls.length);
    let next = 0;
    const client = async (c: number) => {
      const ports = instances[c % instances.length] ?? first;
      for (let i = next++; i < calls.length; i = next++) {
        const call = calls[i];
        if (call) outcomes[i] = await ports.feedback.castVote(call);
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, c) => client(c)));

    expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(10_000);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(500);
    const idsByKey = new Map<string, Set<string>>();
    calls.forEach((call, i) => {
      const o = outcomes[i];
      if (o?.kind !== 'recorded' && o?.kind !== 'replayed') throw new Error(`unexpected outcome ${JSON.stringify(o)}`);
      idsByKey.set(call.record.idempotencyKey, (idsByKey.get(call.record.idempotencyKey) ?? new Set()).add(o.feedbackId));
    });
    expect(idsByKey.size).toBe(10_000);
    for (const ids of idsByKey.values()) expect(ids.size).toBe(1);

    const negatives = votes.filter((v) => v.record.feedbackType === 'NEGATIVE').length;
    // A fresh instance (empty cache) reads the same totals.
    const fresh = portsOn(localClient(local), tables);
    expect(await fresh.repo.get(id)).toMatchObject({ upvotes: 10_000 - negatives, downvotes: negatives });
    const records = await fresh.feedback.list({ from: 1_700_000_000_000, to: 1_700_000_000_000 + 10_000 });
    expect(records).toHaveLength(10_000);
    expect(new Set(records.map((f) => f.idempotencyKey)).size).toBe(10_000);
    expect(records.filter((f) => f.feedbackType === 'NEGATIVE')).toHaveLength(negatives);
    // Every recorded answer already counted its own vote, and no answer exceeds the final totals.
    for (const o of outcomes) {
      if (o.kind !== 'recorded') continue;
      expect(o.counts.upvotes + o.counts.downvotes).toBeGreaterThanOrEqual(1);
      expect(o.counts.upvotes).toBeLessThanOrEqual(10_000 - negatives);
      expect(o.counts.downvotes).toBeLessThanOrEqual(negatives);
    }
  }, 180_000);
});

describe('DynamoDbFeedbackRepo without coalescing (one vote per transaction, as on Lambda)', () => {
  it('ends 500 votes from 50 single-vote instances, 5 % retried, with exact totals', async () => {
    const instances = Array.from({ length: 50 }, () => portsOn(localClient(local), tables, { maxVotesPerTransaction: 1 }));
    const first = instances[0];
    if (!first) throw new Error('no instance');
    const id = await seeded(first);
    const votes = Array.from({ length: 500 }, (_, i) => makeVote(id, i % 4 === 0 ? 'NEGATIVE' : 'POSITIVE'));
    const calls = [...votes, ...votes.filter((_, i) => i % 20 === 3).map(retryOf)];
    let next = 0;
    const outcomes: VoteOutcome[] = [];
    await Promise.all(
      instances.map(async (ports) => {
        for (let i = next++; i < calls.length; i = next++) outcomes.push(await ports.feedback.castVote(calls[i] as CastVote));
      }),
    );
    expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(500);
    expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(25);
    expect(await stored(id)).toMatchObject({ upvotes: 375, downvotes: 125 });
    expect(await first.feedback.list(ALL_TIME)).toHaveLength(500);
  });

  it('retries a transaction cancelled by a TransactionConflict (another instance mid-commit) and counts the vote once', async () => {
    // DynamoDB Local serialises transactions and never reports conflicts, so the first two are injected.
    const client = localClient(local);
    let transactions = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && ++transactions <= 2) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
            $metadata: { httpStatusCode: 400 },
            CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
          });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'injectConflict' },
    );
    const ports = portsOn(client, tables);
    const id = await seeded(ports);
    await expect(ports.feedback.castVote(makeVote(id, 'POSITIVE'))).resolves.toMatchObject({ kind: 'recorded', counts: { upvotes: 1, downvotes: 0 } });
    expect(transactions).toBe(3);
    expect(await stored(id)).toMatchObject({ upvotes: 1, downvotes: 0 });
  });
});

describe.each([1, 25])('DynamoDbFeedbackRepo replays and conflicts, %i vote(s) per transaction (FAULTS #30)', (maxVotesPerTransaction) => {
  const portsFor = (client: DynamoDBClient) => portsOn(client, tables, { maxVotesPerTransaction });

  it('counts one vote replayed 100 times once, concurrently and in sequence', async () => {
    const ports = portsFor(local.client);
    const id = await seeded(ports);
    const vote = makeVote(id, 'POSITIVE');
    await expect(ports.feedback.castVote(vote)).resolves.toMatchObject({ kind: 'recorded', counts: { upvotes: 1, downvotes: 0 } });
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => ports.feedback.castVote(retryOf(vote))));
    const sequential: VoteOutcome[] = [];
    for (let i = 0; i < 50; i++) sequential.push(await ports.feedback.castVote(retryOf(vote)));
    for (const outcome of [...concurrent, ...sequential]) {
      expect(outcome).toEqual({ kind: 'replayed', counts: { upvotes: 1, downvotes: 0 }, feedbackId: vote.record.id });
    }
    expect(await stored(id)).toMatchObject({ upvotes: 1, downvotes: 0 });
    expect(await ports.feedback.list(ALL_TIME)).toHaveLength(1);
  });

  it('answers a conflict for the same key with another body, also when both race, and changes nothing else', async () => {
    const ports = portsFor(local.client);
    const id = await seeded(ports);
    const vote = makeVote(id, 'POSITIVE');
    const changed: CastVote = { record: { ...retryOf(vote).record, feedbackType: 'NEGATIVE' }, fingerprint: 'fp:changed-body' };
    const raced = await Promise.all([ports.feedback.castVote(vote), ports.feedback.castVote(changed)]);
    expect(raced.map((o) => o.kind).sort()).toEqual(['conflict', 'recorded']);
    const winner = raced[0]?.kind === 'recorded' ? vote : changed;
    const loser = winner === vote ? changed : vote;
    await expect(ports.feedback.castVote(loser)).resolves.toEqual({ kind: 'conflict' });
    const counts = winner === vote ? { upvotes: 1, downvotes: 0 } : { upvotes: 0, downvotes: 1 };
    await expect(ports.feedback.castVote(retryOf(winner))).resolves.toEqual({ kind: 'replayed', counts, feedbackId: winner.record.id });
    expect(await stored(id)).toMatchObject(counts);
    expect(await ports.feedback.list(ALL_TIME)).toEqual([winner.record]);
  });

  it('answers saying-not-found for votes on a missing saying, but conflict for a key used before', async () => {
    const ports = portsFor(local.client);
    const id = await seeded(ports);
    const used = makeVote(id, 'POSITIVE');
    await ports.feedback.castVote(used);
    const reused: CastVote = { record: { ...retryOf(used).record, sayingId: 'no-such-saying' }, fingerprint: 'fp:no-such-saying' };
    const fresh = Array.from({ length: 5 }, () => makeVote('no-such-saying'));
    const outcomes = await Promise.all([reused, ...fresh].map((v) => ports.feedback.castVote(v)));
    expect(outcomes.map((o) => o.kind)).toEqual(['conflict', ...fresh.map(() => 'saying-not-found')]);
    expect(await ports.feedback.list(ALL_TIME)).toHaveLength(1);
  });

  it('refreshes the shared saying cache with the counts a vote read, so this instance never shows fewer', async () => {
    const ports = portsFor(local.client);
    const other = portsFor(localClient(local));
    const id = await seeded(ports);
    await ports.repo.get(id); // cached with 0/0
    await other.feedback.castVote(makeVote(id, 'NEGATIVE')); // another instance: not seen within the TTL
    expect(await ports.repo.get(id)).toMatchObject({ upvotes: 0, downvotes: 0 });
    await expect(ports.feedback.castVote(makeVote(id, 'POSITIVE'))).resolves.toMatchObject({ counts: { upvotes: 1, downvotes: 1 } });
    expect(await ports.repo.get(id)).toMatchObject({ upvotes: 1, downvotes: 1 });
  });
});
