import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../../../domain/keys/api-key';
import {
  ApiKeyRepoError,
  type ApiKeyRepo,
  type CreateOutcome,
  type FoundKey,
  type KeyPage,
  type KeyPageRequest,
  type NewKey,
  type RecordedUse,
  type Reservation,
  type ReserveResult,
  type RevokeOutcome,
  type RotateOutcome,
  type Rotation,
  type SettleOutcome,
} from '../../../ports/api-key-repo';
import { DynamoDbKeyBudget } from './api-key-budget';
import {
  epochSeconds,
  fromRecordItem,
  fromSecretItem,
  newRecordItem,
  RECORD_ENTITY,
  RECORD_PROJECTION,
  RECORD_PROJECTION_NAMES,
  recordPk,
  SECRET_ENTITY,
  secretItem,
} from './api-key-item';
import { asPortError, awsErrorName, cancellationCodes, isTransientCancellation } from './aws-error';
import { str } from './item-fields';
import { sleep } from './read-all';
import { API_KEYS } from './table-design';

export interface DynamoDbApiKeyRepoSettings {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the `apiKeys` table. */
  readonly tableName: string;
  /** How long a revoked key, or a rotated-out secret past its grace, is kept before DynamoDB's TTL deletes it (default 90 days). */
  readonly retentionMs?: number;
  /** How long a reclaimed reservation is remembered so that a late settlement is charged once (default 24 h). */
  readonly staleRetentionMs?: number;
}

const DAY_MS = 24 * 3_600_000;
const TRANSACTION_ATTEMPTS = 5;

/**
 * API keys in DynamoDB (ADR 0012): a record item per key, a secret item per key value (by its hash), budget
 * reservations as a map on the record changed only by conditional updates. Reads that decide anything are
 * strongly consistent, so a revocation is seen by the next lookup on every instance.
 */
export class DynamoDbApiKeyRepo implements ApiKeyRepo {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionMs: number;
  private readonly budget: DynamoDbKeyBudget;

  constructor(settings: DynamoDbApiKeyRepoSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.retentionMs = settings.retentionMs ?? 90 * DAY_MS;
    this.budget = new DynamoDbKeyBudget(this.client, this.tableName, settings.staleRetentionMs ?? DAY_MS);
  }

  create(key: NewKey): Promise<CreateOutcome> {
    return asPortError(ApiKeyRepoError, 'creating an API key', async () => {
      const input = {
        TransactItems: [
          { Put: { TableName: this.tableName, Item: secretItem(key.secretHash, key.record.id, key.record.createdAt), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.tableName, Item: newRecordItem(key.record, key.secretHash), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      };
      const codes = await this.transact(input);
      if (codes === undefined) return 'created';
      if (codes[1] === 'ConditionalCheckFailed') return 'id_taken';
      return 'hash_taken';
    });
  }

  findBySecretHash(hash: string): Promise<FoundKey | undefined> {
    return asPortError(ApiKeyRepoError, 'looking up an API key', async () => {
      const { Item: secretItemRead } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: hash }, ConsistentRead: true }));
      if (!secretItemRead || secretItemRead.entity !== SECRET_ENTITY) return undefined;
      const secret = fromSecretItem(secretItemRead);
      const { Item: item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: recordPk(secret.keyId) },
          ConsistentRead: true,
          ProjectionExpression: RECORD_PROJECTION,
          ExpressionAttributeNames: RECORD_PROJECTION_NAMES,
        }),
      );
      return item ? { record: fromRecordItem(item), secret } : undefined;
    });
  }

  get(id: string): Promise<ApiKeyRecord | undefined> {
    return asPortError(ApiKeyRepoError, 'reading an API key', async () => (await this.readRecord(id))?.record);
  }

  /**
   * One page of the `byOwner` index, newest first. The page after a key starts at that key's index position (its
   * record read for its creation time); DynamoDB may answer short pages, so it reads on until it has one record
   * more than asked for — or the end — to know whether more follow.
   */
  listByOwner(ownerId: string, page: KeyPageRequest): Promise<KeyPage | 'unknown_after'> {
    return asPortError(ApiKeyRepoError, 'listing API keys', async () => {
      let start: Record<string, unknown> | undefined;
      if (page.afterId !== undefined) {
        const after = (await this.readRecord(page.afterId))?.record;
        if (!after || after.ownerId !== ownerId) return 'unknown_after';
        start = { [API_KEYS.pk]: recordPk(after.id), [API_KEYS.ownerId]: ownerId, [API_KEYS.createdAt]: after.createdAt };
      }
      const records: ApiKeyRecord[] = [];
      do {
        const answer = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: API_KEYS.byOwnerIndex,
            KeyConditionExpression: '#o = :o',
            ExpressionAttributeNames: { '#o': API_KEYS.ownerId },
            ExpressionAttributeValues: { ':o': ownerId },
            ScanIndexForward: false,
            Limit: page.limit + 1 - records.length,
            ExclusiveStartKey: start,
          }),
        );
        records.push(...(answer.Items ?? []).filter((i) => i.entity === RECORD_ENTITY).map(fromRecordItem));
        start = answer.LastEvaluatedKey;
      } while (start !== undefined && records.length <= page.limit);
      return { records: records.slice(0, page.limit), hasMore: records.length > page.limit };
    });
  }

  revoke(id: string, at: number): Promise<RevokeOutcome> {
    return asPortError(ApiKeyRepoError, 'revoking an API key', async () => {
      try {
        const { Attributes: item } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: recordPk(id) },
            UpdateExpression: 'SET #status = :revoked, revokedAt = :at, purgeAt = :purge',
            ConditionExpression: 'attribute_exists(pk) AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':revoked': 'revoked', ':active': 'active', ':at': at, ':purge': epochSeconds(at + this.retentionMs) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        if (!item) throw new ApiKeyRepoError('revocation returned no item');
        await this.purgeSecretLater(str(item, 'currentHash'), at + this.retentionMs);
        return { kind: 'revoked', record: fromRecordItem(item) };
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
        const current = await this.readRecord(id);
        return current ? { kind: 'revoked', record: current.record } : { kind: 'not_found' };
      }
    });
  }

  rotate(id: string, rotation: Rotation): Promise<RotateOutcome> {
    return asPortError(ApiKeyRepoError, 'rotating an API key', async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.readRecord(id);
        if (!current) return { kind: 'not_found' };
        if (current.record.status === 'revoked') return { kind: 'revoked', record: current.record };
        const previous = { display: current.record.display, validUntil: rotation.oldValidUntil };
        const codes = await this.transact({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: secretItem(rotation.newSecretHash, id, rotation.at), ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: current.currentHash },
                UpdateExpression: 'SET validUntil = :until, purgeAt = :purge',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':until': rotation.oldValidUntil, ':purge': epochSeconds(rotation.oldValidUntil + this.retentionMs) },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: recordPk(id) },
                UpdateExpression: 'SET currentHash = :new, display = :display, rotatedAt = :at, previous = :previous',
                ConditionExpression: 'currentHash = :old AND #status = :active',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':new': rotation.newSecretHash, ':old': current.currentHash, ':display': rotation.newDisplay, ':at': rotation.at, ':previous': previous, ':active': 'active',
                },
              },
            },
          ],
        });
        if (codes === undefined) {
          const rotated = await this.readRecord(id);
          if (!rotated) throw new ApiKeyRepoError('the rotated key vanished');
          return { kind: 'rotated', record: rotated.record };
        }
        if (codes[0] === 'ConditionalCheckFailed') return { kind: 'hash_taken' };
        // Another rotation or a revocation got there first: look again.
        if (attempt >= TRANSACTION_ATTEMPTS) throw new ApiKeyRepoError('the key kept changing while being rotated');
      }
    });
  }

  reserve(keyId: string, reservation: Reservation, now: number): Promise<ReserveResult> {
    return asPortError(ApiKeyRepoError, 'reserving budget', () => this.budget.reserve(keyId, reservation, now));
  }

  settle(keyId: string, use: RecordedUse, reservation: Pick<Reservation, 'id' | 'amountNano'> | undefined): Promise<SettleOutcome> {
    return asPortError(ApiKeyRepoError, 'settling key usage', () => this.budget.settle(keyId, use, reservation));
  }

  private async readRecord(id: string): Promise<{ record: ApiKeyRecord; currentHash: string } | undefined> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: recordPk(id) }, ConsistentRead: true }));
    return item ? { record: fromRecordItem(item), currentHash: str(item, 'currentHash') } : undefined;
  }

  /** Cleanup only — the record's status is what refuses the key — so a failure here does not fail the revocation. */
  private async purgeSecretLater(hash: string, atMs: number): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: hash },
          UpdateExpression: 'SET purgeAt = :purge',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':purge': epochSeconds(atMs) },
        }),
      )
      .catch(() => undefined);
  }

  /** Undefined when committed; the cancellation codes when a condition refused it; retries contention; throws otherwise. */
  private async transact(input: ConstructorParameters<typeof TransactWriteCommand>[0]): Promise<readonly string[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand(input));
        return undefined;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === undefined) throw error;
        if (codes.includes('ConditionalCheckFailed')) return codes;
        if (!isTransientCancellation(codes) || attempt >= TRANSACTION_ATTEMPTS) throw error;
        await sleep(Math.random() * 20 * 2 ** attempt);
      }
    }
  }
}
