import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemError, ItemGeneration, Job, JobItem } from '../../../domain/jobs/job';
import type { Clock } from '../../../ports/clock';
import { JobRepoError, type ItemSettlement, type JobRepo } from '../../../ports/job-repo';
import { SystemClock } from '../../system/system-clock';
import { asPortError, awsErrorName } from './aws-error';
import type { Item } from './item-fields';
import { claimSk, fromGenerationMap, fromHeaderItem, fromJobItem, HEADER_SK, itemSk, toErrorMap, toGenerationMap, toHeaderItem, toJobItem } from './job-item';
import { JOBS } from './table-design';

export interface DynamoDbJobRepoSettings {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock?: Clock;
}

const PUT_CONCURRENCY = 25;

/**
 * Jobs on the `jobs` table (ADR 0010): one partition per job. Every item write is a conditional UpdateItem,
 * so a redelivered message cannot undo a success or replace a kept generation; text claims are conditional
 * puts, one owner each. Reads are strongly consistent: a worker must see what another wrote just before.
 */
export class DynamoDbJobRepo implements JobRepo {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(settings: DynamoDbJobRepoSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.clock = settings.clock ?? new SystemClock();
  }

  /**
   * Items first, the header last: until the header exists the job reads as unknown, never half-made. Every put is
   * conditional on the row being absent, so creating an id that exists (a retried submission with the same
   * Idempotency-Key, racing or not) changes no item and no progress; the header's put decides which create won.
   * Conditional puts rather than BatchWriteItem, which has no conditions: the same write units, PUT_CONCURRENCY
   * in flight (a 1,000-saying job is 334 items, 14 rounds).
   */
  create(job: Job): Promise<'created' | 'exists'> {
    return asPortError(JobRepoError, 'create', async () => {
      const rows = job.items.map((i) => toJobItem(job.header.id, i, job.header.expiresAt));
      for (let start = 0; start < rows.length; start += PUT_CONCURRENCY) await Promise.all(rows.slice(start, start + PUT_CONCURRENCY).map((row) => this.putIfAbsent(row)));
      return (await this.putIfAbsent(toHeaderItem(job.header))) ? 'created' : 'exists';
    });
  }

  /** True when the row was written, false when one with its key was there. */
  private async putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  markQueued(jobId: string, at: number): Promise<void> {
    return asPortError(JobRepoError, 'markQueued', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: jobId, sk: HEADER_SK },
            UpdateExpression: 'SET queuedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(queuedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      }
    });
  }

  get(jobId: string): Promise<Job | undefined> {
    return asPortError(JobRepoError, 'get', async () => {
      const rows: Item[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :id AND sk <= :header',
            ExpressionAttributeValues: { ':id': jobId, ':header': HEADER_SK },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        rows.push(...((out.Items ?? []) as Item[]));
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      const headerRow = rows.find((r) => r[JOBS.sk] === HEADER_SK);
      if (!headerRow) return undefined;
      const header = fromHeaderItem(headerRow);
      // TTL deletes lazily (up to ~48 h late): an expired job is gone for readers at once.
      if (header.expiresAt <= this.clock.now()) return undefined;
      const items = rows.filter((r) => r[JOBS.sk] !== HEADER_SK).map(fromJobItem).sort((a, b) => a.index - b.index);
      return { header, items };
    });
  }

  getItem(jobId: string, index: number): Promise<JobItem | undefined> {
    return asPortError(JobRepoError, 'getItem', () => this.readItem(jobId, index));
  }

  beginAttempt(jobId: string, index: number, at: number): Promise<JobItem | undefined> {
    return asPortError(JobRepoError, 'beginAttempt', async () => {
      const updated = await this.conditionalUpdate(jobId, index, 'SET attempts = attempts + :one, #status = :pending, updatedAt = :at', {
        ':one': 1,
        ':pending': 'pending',
        ':at': at,
      });
      return updated ?? this.readItem(jobId, index);
    });
  }

  keepGeneration(jobId: string, index: number, generation: ItemGeneration): Promise<ItemGeneration> {
    return asPortError(JobRepoError, 'keepGeneration', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: jobId, sk: itemSk(index) },
            UpdateExpression: 'SET generation = :g, updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(generation)',
            ExpressionAttributeValues: { ':g': toGenerationMap(generation), ':at': generation.at },
          }),
        );
        return generation;
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
        const out = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: { pk: jobId, sk: itemSk(index) }, ConsistentRead: true, ProjectionExpression: 'generation' }),
        );
        const kept = out.Item?.generation as Item | undefined;
        return kept ? fromGenerationMap(kept) : generation;
      }
    });
  }

  claimTexts(jobId: string, index: number, normalizedTexts: readonly string[]): Promise<readonly boolean[]> {
    return asPortError(JobRepoError, 'claimTexts', async () => {
      const header = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: jobId, sk: HEADER_SK }, ProjectionExpression: 'expiresAt' }),
      );
      const expiresAt = typeof header.Item?.expiresAt === 'number' ? header.Item.expiresAt : Math.ceil(this.clock.now() / 1000) + 86_400;
      return Promise.all(normalizedTexts.map((text) => this.claim(jobId, index, text, expiresAt)));
    });
  }

  recordError(jobId: string, index: number, error: ItemError): Promise<void> {
    return asPortError(JobRepoError, 'recordError', async () => {
      await this.conditionalUpdate(jobId, index, 'SET lastError = :e, updatedAt = :at', { ':e': toErrorMap(error), ':at': error.at });
    });
  }

  settle(jobId: string, index: number, settlement: ItemSettlement): Promise<void> {
    return asPortError(JobRepoError, 'settle', async () => {
      const failed = settlement.status === 'failed';
      await this.conditionalUpdate(jobId, index, `SET #status = :status, updatedAt = :at${failed ? ', lastError = :e' : ''}`, {
        ':status': settlement.status,
        ':at': settlement.at,
        ...(failed ? { ':e': toErrorMap(settlement.error) } : {}),
      });
    });
  }

  /** An update of an existing item that has not succeeded; undefined when the condition refused it. */
  private async conditionalUpdate(jobId: string, index: number, expression: string, values: Record<string, unknown>): Promise<JobItem | undefined> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: jobId, sk: itemSk(index) },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk) AND #status <> :succeeded',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':succeeded': 'succeeded' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? fromJobItem(out.Attributes as Item) : undefined;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  private async readItem(jobId: string, index: number): Promise<JobItem | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: jobId, sk: itemSk(index) }, ConsistentRead: true }));
    return out.Item ? fromJobItem(out.Item as Item) : undefined;
  }

  private async claim(jobId: string, index: number, text: string, expiresAt: number): Promise<boolean> {
    const sk = claimSk(createHash('sha256').update(text).digest('hex'));
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: jobId, sk, entity: 'jobClaim', index, [JOBS.ttl]: expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: jobId, sk }, ConsistentRead: true }));
      return out.Item?.index === index;
    }
  }

}
