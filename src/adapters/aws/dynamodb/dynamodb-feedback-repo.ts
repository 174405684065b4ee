import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FeedbackRecord } from '../../../domain/feedback/feedback-record';
import type { VoteCounts } from '../../../domain/feedback/vote';
import { backoffDelay, type BackoffPolicy } from '../../../domain/limits/backoff';
import type { TimeRange } from '../../../domain/shared/time-range';
import type { Clock } from '../../../ports/clock';
import { FeedbackRepoError, type CastVote, type FeedbackRepo, type VoteOutcome } from '../../../ports/feedback-repo';
import { asPortError, cancellationCodes, isTransientCancellation } from './aws-error';
import { fingerprintOf, fromFeedbackItem } from './feedback-item';
import { num, str, type Item } from './item-fields';
import { KeyedBatcher } from './keyed-batcher';
import { mapLimit, queryAll, scanAll, sleep } from './read-all';
import type { SayingCache } from './saying-cache';
import { SAYING_ENTITY } from './saying-item';
import { FEEDBACK, FEEDBACK_TIME_SHARDS, SAYINGS } from './table-design';
import { bucketsInRange } from './time-buckets';
import { voteTransaction } from './vote-transaction';

export interface DynamoDbFeedbackRepoSettings {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the `feedback` table. */
  readonly tableName: string;
  /** Physical name of the `sayings` table: a vote moves the saying's counter in the same transaction. */
  readonly sayingsTableName: string;
  /** The saying repo's cache (`DynamoDbSayingRepo#cache`), so this process's votes refresh cached counters. */
  readonly sayingCache?: SayingCache;
  /** Accepted for the adapters' common settings shape; votes take their time from the record. */
  readonly clock?: Clock;
  /**
   * Votes on one saying that this process writes in one transaction (1–99, default 25). Concurrent votes on a
   * saying queue behind the transaction in flight and go together in the next one (ADR 0010: hot keys).
   */
  readonly maxVotesPerTransaction?: number;
  /**
   * Attempts of one transaction cancelled only by contention (`TransactionConflict`: another instance's vote
   * on the same saying was mid-commit) or throttling; default 10. Past them the votes fail with the port error.
   */
  readonly maxTransactionAttempts?: number;
  /** Jitter for the backoff between those attempts; default Math.random. */
  readonly random?: () => number;
}

const CONFLICT_BACKOFF: BackoffPolicy = { baseMs: 10, capMs: 500 };

/**
 * Votes (ADR 0007, ADR 0010). A vote's record (under its idempotency key, `attribute_not_exists`) and its
 * saying's counter (`ADD`, only if the saying exists) are written by one TransactWriteItems: both or neither,
 * so a retried vote never counts twice and an acknowledged vote is never lost.
 */
export class DynamoDbFeedbackRepo implements FeedbackRepo {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly sayingsTableName: string;
  private readonly cache: SayingCache | undefined;
  private readonly maxAttempts: number;
  private readonly random: () => number;
  private readonly batcher: KeyedBatcher<CastVote, VoteOutcome>;

  constructor(settings: DynamoDbFeedbackRepoSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.sayingsTableName = settings.sayingsTableName;
    this.cache = settings.sayingCache;
    this.maxAttempts = Math.max(1, settings.maxTransactionAttempts ?? 10);
    this.random = settings.random ?? Math.random;
    this.batcher = new KeyedBatcher<CastVote, VoteOutcome>({
      maxBatch: Math.min(99, Math.max(1, settings.maxVotesPerTransaction ?? 25)),
      // Two writes of one key cannot share a transaction; the second waits and then settles as a replay.
      distinctBy: (vote) => vote.record.idempotencyKey,
      run: (sayingId, votes) => this.writeVotes(sayingId, votes),
    });
  }

  castVote(vote: CastVote): Promise<VoteOutcome> {
    return asPortError(FeedbackRepoError, 'vote transaction', () => this.batcher.submit(vote.record.sayingId, vote));
  }

  list(range: TimeRange): Promise<readonly FeedbackRecord[]> {
    return asPortError(FeedbackRepoError, 'listing feedback', async () => {
      const buckets = bucketsInRange(range, FEEDBACK_TIME_SHARDS);
      const names = { '#at': FEEDBACK.at };
      const values = { ':from': range.from, ':to': range.to };
      const items = buckets
        ? (
            await mapLimit(buckets, 8, (bucket) =>
              queryAll(this.client, {
                TableName: this.tableName,
                IndexName: FEEDBACK.byTimeIndex,
                KeyConditionExpression: '#b = :b AND #at BETWEEN :from AND :to',
                ExpressionAttributeNames: { ...names, '#b': FEEDBACK.timeBucket },
                ExpressionAttributeValues: { ...values, ':b': bucket },
              }),
            )
          ).flat()
        : await scanAll(this.client, { TableName: this.tableName, FilterExpression: '#at BETWEEN :from AND :to', ExpressionAttributeNames: names, ExpressionAttributeValues: values });
      return items.map(fromFeedbackItem);
    });
  }

  /** One batch of votes on one saying, distinct keys; an outcome (or error) per vote, in order. */
  private async writeVotes(sayingId: string, votes: readonly CastVote[]): Promise<PromiseSettledResult<VoteOutcome>[]> {
    const outcomes: Promise<VoteOutcome>[] = [];
    // Settled in the background while the others go on; the no-op catch keeps a rejection from being "unhandled" meanwhile.
    const settle = (index: number, outcome: Promise<VoteOutcome>) => {
      outcome.catch(() => undefined);
      outcomes[index] = outcome;
    };
    let pending = votes.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; ) {
      const batch = pending.map((i) => votes[i] as CastVote);
      let failure: unknown;
      try {
        await this.client.send(voteTransaction(this.sayingsTableName, this.tableName, sayingId, batch));
      } catch (error) {
        failure = error ?? new Error('the vote transaction failed');
      }
      if (failure === undefined) {
        // Transactions return no values: read the counters strongly consistently, so they include these votes.
        const counts = this.readCounts(sayingId).then((c) => c ?? Promise.reject(new Error('the voted saying vanished')));
        for (const i of pending) settle(i, counts.then((c): VoteOutcome => ({ kind: 'recorded', counts: c, feedbackId: (votes[i] as CastVote).record.id })));
        break;
      }
      const codes = cancellationCodes(failure) ?? [];
      if (codes[0] === 'ConditionalCheckFailed') {
        // No such saying — unless a vote's key was used before, which answers first, as in memory.
        for (const i of pending) settle(i, this.settleUsedKey(votes[i] as CastVote, { kind: 'saying-not-found' }));
        break;
      }
      const refused = new Set(pending.filter((_, n) => codes[n + 1] === 'ConditionalCheckFailed'));
      if (refused.size > 0) {
        // Keys used before: settled on their own; the others go again at once, as nothing was written.
        for (const i of refused) settle(i, this.settleUsedKey(votes[i] as CastVote, undefined));
        pending = pending.filter((i) => !refused.has(i));
        continue;
      }
      if (isTransientCancellation(codes) && ++attempt < this.maxAttempts) {
        await sleep(backoffDelay(CONFLICT_BACKOFF, attempt - 1, undefined, this.random));
        continue;
      }
      for (const i of pending) settle(i, Promise.reject(failure));
      break;
    }
    return Promise.allSettled(outcomes);
  }

  /**
   * A vote whose key may be in use: the same body is a replay (current counts), another body a conflict.
   * `unused` answers when the key turns out to be free (the transaction failed for another reason).
   */
  private async settleUsedKey(vote: CastVote, unused: VoteOutcome | undefined): Promise<VoteOutcome> {
    const { Item: stored } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [FEEDBACK.pk]: vote.record.idempotencyKey }, ConsistentRead: true }),
    );
    if (!stored) {
      if (unused) return unused;
      throw new Error('the vote record that refused the write cannot be read');
    }
    if (fingerprintOf(stored) !== vote.fingerprint) return { kind: 'conflict' };
    const counts = await this.readCounts(str(stored, 'sayingId'));
    if (!counts) return { kind: 'saying-not-found' };
    const feedbackId = str(stored, 'id');
    // Our own earlier send may have committed with its answer lost: that is this vote, not a replay.
    return { kind: feedbackId === vote.record.id ? 'recorded' : 'replayed', counts, feedbackId };
  }

  private async readCounts(sayingId: string): Promise<VoteCounts | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.sayingsTableName,
        Key: { [SAYINGS.pk]: sayingId },
        ConsistentRead: true,
        ProjectionExpression: 'upvotes, downvotes, entity',
      }),
    );
    if (!item || item.entity !== SAYING_ENTITY) return undefined;
    const counts = countsOf(item);
    this.cache?.refreshCounts(sayingId, counts);
    return counts;
  }
}

const countsOf = (item: Item): VoteCounts => ({ upvotes: num(item, 'upvotes'), downvotes: num(item, 'downvotes') });
