import { ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { makeSaying, makeUsage, makeVote, retryOf } from '../contracts/support';
import { FeedbackRepoError, type CastVote, type VoteOutcome } from '../../src/ports/feedback-repo';
import { SayingRepoError } from '../../src/ports/saying-repo';
import { UsageLedgerError } from '../../src/ports/usage-ledger';
import { dropTables, freshTables, localClient, portsOn, startDynamoDbLocal, type DynamoDbLocal, type RepoTables } from '../support/dynamodb-local';

/*
 * FAULTS #12 on DynamoDB Local: throttling injected with SDK middleware inside the SDK's retry loop. Bounded
 * retries, then the port error (which the HTTP layer answers with 503 + Retry-After); nothing lost or doubled.
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
  tables = await freshTables(local, 'throttle');
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

type Injection = 'before' | 'after' | undefined;

/**
 * A client whose sends fail as `plan` says: `before` — throttled before reaching DynamoDB; `after` — DynamoDB
 * did the work but the answer is lost to a throttling error. Added at the deserialize step, inside the SDK's
 * retry loop, so the SDK retries them as it would real ones.
 */
function throttledClient(plan: (send: number, command: string) => Injection, config: { maxAttempts?: number; fastRetries?: boolean } = {}) {
  const maxAttempts = config.maxAttempts ?? 3;
  const client = localClient(local, config.fastRetries === false ? { maxAttempts } : { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 5) });
  const stats = { sends: 0, injected: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const where = plan(++stats.sends, context.commandName ?? '');
      const throttle = () => {
        stats.injected++;
        return new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } });
      };
      if (where === 'before') throw throttle();
      const result = await next(args);
      if (where === 'after') throw throttle();
      return result;
    },
    { step: 'deserialize', name: 'injectThrottling' },
  );
  return { client, stats };
}

/** A deterministic stream of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('DynamoDB throttling (FAULTS #12)', () => {
  it("retries with the SDK's default strategy a bounded number of times, then fails with the port error; the retry by the caller counts once", async () => {
    const healthy = portsOn(local.client, tables);
    const id = await seeded(healthy);
    let throttling = true;
    const { client, stats } = throttledClient(() => (throttling ? 'before' : undefined), { fastRetries: false });
    const ports = portsOn(client, tables);
    const vote = makeVote(id, 'POSITIVE');

    const error: unknown = await ports.feedback.castVote(vote).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedbackRepoError);
    expect((error as Error).message).toContain('ThrottlingException');
    expect(((error as Error).cause as Error).name).toBe('ThrottlingException');
    expect(stats.sends).toBe(3);
    expect(await stored(id)).toMatchObject({ upvotes: 0, downvotes: 0 });
    expect(await healthy.feedback.list(ALL_TIME)).toEqual([]);

    throttling = false;
    await expect(ports.feedback.castVote(retryOf(vote))).resolves.toMatchObject({ kind: 'recorded', counts: { upvotes: 1, downvotes: 0 } });
    expect(await healthy.feedback.list(ALL_TIME)).toHaveLength(1);
  });

  it('counts a vote once when DynamoDB committed it but the answer was lost and the SDK sent it again', async () => {
    const healthy = portsOn(local.client, tables);
    const id = await seeded(healthy);
    let lost = 0;
    const { client } = throttledClient((_, command) => (command === 'TransactWriteItemsCommand' && lost++ === 0 ? 'after' : undefined));
    const vote = makeVote(id, 'NEGATIVE');
    await expect(portsOn(client, tables).feedback.castVote(vote)).resolves.toEqual({
      kind: 'recorded',
      counts: { upvotes: 0, downvotes: 1 },
      feedbackId: vote.record.id,
    });
    expect(lost).toBe(2);
    expect(await stored(id)).toMatchObject({ upvotes: 0, downvotes: 1 });
    expect(await healthy.feedback.list(ALL_TIME)).toEqual([vote.record]);
  });

  it('loses and doubles nothing in a storm where 30 % of sends are throttled before or after DynamoDB did the work', async () => {
    const healthy = portsOn(local.client, tables);
    const id = await seeded(healthy);
    const random = seededRandom(12);
    const injected = { before: 0, after: 0 };
    const plan = (): Injection => {
      const r = random();
      const where = r < 0.15 ? 'before' : r < 0.3 ? 'after' : undefined;
      if (where) injected[where]++;
      return where;
    };
    // Six instances with five clients each, so that transactions stay small and many sends happen.
    const instances = Array.from({ length: 6 }, () => portsOn(throttledClient(plan).client, tables));
    const votes = Array.from({ length: 300 }, (_, i) => makeVote(id, i % 3 === 0 ? 'NEGATIVE' : 'POSITIVE'));
    let portErrors = 0;
    const final: VoteOutcome[] = [];
    let next = 0;
    // Each client retries a failed vote with the same key and body, as an HTTP client would after a 503.
    await Promise.all(
      Array.from({ length: 30 }, async (_, c) => {
        const ports = instances[c % instances.length] ?? healthy;
        for (let i = next++; i < votes.length; i = next++) {
          const vote = votes[i] as CastVote;
          for (let attempt = 0; ; attempt++) {
            try {
              final.push(await ports.feedback.castVote(attempt === 0 ? vote : retryOf(vote)));
              break;
            } catch (error) {
              expect(error).toBeInstanceOf(FeedbackRepoError);
              portErrors++;
              if (attempt >= 20) throw error;
            }
          }
        }
      }),
    );
    expect(injected.before).toBeGreaterThan(10);
    expect(injected.after).toBeGreaterThan(10);
    expect(portErrors).toBeGreaterThan(0);
    expect(final).toHaveLength(300);
    expect(final.every((o) => o.kind === 'recorded' || o.kind === 'replayed')).toBe(true);
    const negatives = votes.filter((v) => v.record.feedbackType === 'NEGATIVE').length;
    expect(await stored(id)).toMatchObject({ upvotes: 300 - negatives, downvotes: negatives });
    const records = await healthy.feedback.list(ALL_TIME);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((f) => f.idempotencyKey)).size).toBe(300);
  });

  it('retries a transaction cancelled for throttling a bounded number of times, then fails with the port error', async () => {
    const healthy = portsOn(local.client, tables);
    const id = await seeded(healthy);
    const client = localClient(local);
    let transactions = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        transactions++;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, None]',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
        });
      },
      { step: 'deserialize', name: 'cancelForThrottling' },
    );
    const ports = portsOn(client, tables, { maxTransactionAttempts: 4 });
    await expect(ports.feedback.castVote(makeVote(id))).rejects.toBeInstanceOf(FeedbackRepoError);
    expect(transactions).toBe(4);
    expect(await stored(id)).toMatchObject({ upvotes: 0, downvotes: 0 });
  });

  it('turns throttling of the saying repo and the usage ledger into their port errors', async () => {
    const { client } = throttledClient(() => 'before');
    const ports = portsOn(client, tables);
    await expect(ports.repo.get('any')).rejects.toBeInstanceOf(SayingRepoError);
    await expect(ports.repo.putIfAbsent(makeSaying())).rejects.toBeInstanceOf(SayingRepoError);
    await expect(ports.repo.listVoted({ vendor: undefined, model: undefined })).rejects.toBeInstanceOf(SayingRepoError);
    await expect(ports.usage.record(makeUsage(1_000))).rejects.toBeInstanceOf(UsageLedgerError);
    await expect(ports.usage.list({ from: 0, to: 2_000 })).rejects.toBeInstanceOf(UsageLedgerError);
    await expect(ports.feedback.list({ from: 0, to: 2_000 })).rejects.toBeInstanceOf(FeedbackRepoError);
  });
});
