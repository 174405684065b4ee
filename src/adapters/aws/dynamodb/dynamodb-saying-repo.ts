import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Saying } from '../../../domain/sayings/saying';
import type { Clock } from '../../../ports/clock';
import { SayingRepoError, type SayingRepo, type VotedFilter } from '../../../ports/saying-repo';
import { SystemClock } from '../../system/system-clock';
import { asPortError, awsErrorName } from './aws-error';
import type { Item } from './item-fields';
import { batchGetAll, queryAll } from './read-all';
import { SayingCache } from './saying-cache';
import { COLLECTION_PK, COUNT_ITEM_KEY, fromSayingItem, isSayingItem, rankPrefix, toSayingItem, VOTED_PK } from './saying-item';
import { SAYINGS } from './table-design';

export interface DynamoDbSayingRepoSettings {
  /** Configured by the caller (region, retries, timeouts); see ADR 0010 for the recommended settings. */
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the `sayings` table. */
  readonly tableName: string;
  readonly clock?: Clock;
  /** How long `get` trusts a saying it read; default 5 minutes (seed 001). */
  readonly cacheTtlMs?: number;
  /** Pass one cache to this repo and to DynamoDbFeedbackRepo (`sayingCache`) so votes refresh cached counters. */
  readonly cache?: SayingCache;
}

/**
 * Sayings in their own table, one item per saying (ADR 0010). Lists read keys from a sparse KEYS_ONLY index,
 * then the items, so a vote — which only moves counters — never writes to an index.
 */
export class DynamoDbSayingRepo implements SayingRepo {
  readonly cache: SayingCache;
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(settings: DynamoDbSayingRepoSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.cache = settings.cache ?? new SayingCache({ clock: settings.clock ?? new SystemClock(), ttlMs: settings.cacheTtlMs });
  }

  get(id: string): Promise<Saying | undefined> {
    const cached = this.cache.get(id);
    if (cached) return Promise.resolve(cached);
    return asPortError(SayingRepoError, 'GetItem on sayings', async () => {
      // Strongly consistent: a saying another instance stored a moment ago must be found (misses are not cached).
      const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [SAYINGS.pk]: id }, ConsistentRead: true }));
      if (!item || !isSayingItem(item)) return undefined;
      const saying = fromSayingItem(item);
      this.cache.set(saying);
      return saying;
    });
  }

  putIfAbsent(saying: Saying): Promise<void> {
    return asPortError(SayingRepoError, 'PutItem on sayings', async () => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toSayingItem(saying),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': SAYINGS.pk },
          }),
        );
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') return;
        throw error;
      }
      this.cache.set(saying);
      // Not in one transaction with the put: the counter item would make every concurrent put conflict. A crash
      // between the two can only leave count() one short (ADR 0010).
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [SAYINGS.pk]: COUNT_ITEM_KEY },
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'sayings' },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    });
  }

  listCollection(): Promise<readonly Saying[]> {
    return asPortError(SayingRepoError, 'listing the collection', () =>
      this.listThroughIndex({
        IndexName: SAYINGS.collectionIndex,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': SAYINGS.collectionPk },
        ExpressionAttributeValues: { ':p': COLLECTION_PK },
      }),
    );
  }

  listVoted(filter: VotedFilter): Promise<readonly Saying[]> {
    return asPortError(SayingRepoError, 'listing voted sayings', async () => {
      // Without a vendor the model alone cannot make a prefix; the exact filter below does the rest.
      const prefix = filter.vendor === undefined ? undefined : rankPrefix(filter.vendor, filter.model);
      const sayings = await this.listThroughIndex({
        IndexName: SAYINGS.votedIndex,
        KeyConditionExpression: prefix === undefined ? '#p = :p' : '#p = :p AND begins_with(#r, :r)',
        ExpressionAttributeNames: { '#p': SAYINGS.votedPk, ...(prefix === undefined ? {} : { '#r': SAYINGS.rankSk }) },
        ExpressionAttributeValues: { ':p': VOTED_PK, ...(prefix === undefined ? {} : { ':r': prefix }) },
      });
      return sayings.filter((s) => s.upvotes + s.downvotes > 0 && matches(s, filter));
    });
  }

  count(): Promise<number> {
    return asPortError(SayingRepoError, 'reading the saying count', async () => {
      const { Item: item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [SAYINGS.pk]: COUNT_ITEM_KEY }, ConsistentRead: true }),
      );
      const n = item?.sayings;
      return typeof n === 'number' ? n : 0;
    });
  }

  private async listThroughIndex(query: {
    IndexName: string;
    KeyConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<Saying[]> {
    const keys = await queryAll(this.client, { TableName: this.tableName, ...query });
    const items = await batchGetAll(this.client, this.tableName, keys.map((k: Item) => ({ [SAYINGS.pk]: k[SAYINGS.pk] })));
    return items.filter(isSayingItem).map(fromSayingItem);
  }
}

/** The in-memory adapter's rule: no filter takes every voted saying; any filter takes only generated ones. */
function matches(s: Saying, filter: VotedFilter): boolean {
  if (filter.vendor === undefined && filter.model === undefined) return true;
  const o = s.origin;
  return o.kind === 'generated' && (filter.vendor ?? o.vendor) === o.vendor && (filter.model ?? o.model) === o.model;
}
