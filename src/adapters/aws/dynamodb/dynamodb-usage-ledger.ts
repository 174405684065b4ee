import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TimeRange } from '../../../domain/shared/time-range';
import type { UsageEntry } from '../../../domain/usage/usage-entry';
import type { Clock } from '../../../ports/clock';
import { UsageLedgerError, type UsageLedger } from '../../../ports/usage-ledger';
import { asPortError } from './aws-error';
import { mapLimit, queryAll, scanAll } from './read-all';
import { USAGE, USAGE_TIME_SHARDS } from './table-design';
import { bucketsInRange, sortableAt } from './time-buckets';
import { fromUsageItem, toUsageItem } from './usage-item';

export interface DynamoDbUsageLedgerSettings {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the `usage` table. */
  readonly tableName: string;
  /** Accepted for the adapters' common settings shape; entries carry their own time. */
  readonly clock?: Clock;
  /** When set, entries expire (DynamoDB TTL) this long after their time; unset, they are kept. */
  readonly retentionMs?: number;
}

/**
 * The usage ledger: one item per entry under `YYYY-MM-DD#shard`, sorted by time, so a window is a handful
 * of queries (days × shards). Recording the same entry again rewrites the same item: a retry never counts twice.
 */
export class DynamoDbUsageLedger implements UsageLedger {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionMs: number | undefined;

  constructor(settings: DynamoDbUsageLedgerSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.retentionMs = settings.retentionMs;
  }

  record(entry: UsageEntry): Promise<void> {
    const expiresAt = this.retentionMs === undefined ? undefined : Math.ceil((entry.at + this.retentionMs) / 1000);
    return asPortError(UsageLedgerError, 'PutItem on usage', async () => {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: toUsageItem(entry, expiresAt) }));
    });
  }

  list(range: TimeRange): Promise<readonly UsageEntry[]> {
    return asPortError(UsageLedgerError, 'listing usage', async () => {
      const buckets = bucketsInRange(range, USAGE_TIME_SHARDS);
      const items = buckets
        ? (
            await mapLimit(buckets, 8, (bucket) =>
              queryAll(this.client, {
                TableName: this.tableName,
                KeyConditionExpression: '#pk = :b AND #sk BETWEEN :lo AND :hi',
                ExpressionAttributeNames: { '#pk': USAGE.pk, '#sk': USAGE.sk },
                // Every sort key at time t is `<t>#id`, and '$' follows '#': the upper bound takes all of `to`.
                ExpressionAttributeValues: { ':b': bucket, ':lo': sortableAt(range.from), ':hi': `${sortableAt(range.to)}$` },
              }),
            )
          ).flat()
        : await scanAll(this.client, {
            TableName: this.tableName,
            FilterExpression: '#at BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':from': range.from, ':to': range.to },
          });
      // Expired items linger until DynamoDB deletes them (up to ~48 h): they are still ledger lines until then.
      return items.map(fromUsageItem);
    });
  }
}
