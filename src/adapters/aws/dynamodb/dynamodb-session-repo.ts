import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isExpired, type ChatSession } from '../../../domain/chat/chat-session';
import type { Clock } from '../../../ports/clock';
import { SessionRepoError, type SaveOutcome, type SessionRepo } from '../../../ports/session-repo';
import { SystemClock } from '../../system/system-clock';
import { asPortError, awsErrorName } from './aws-error';
import { fromSessionItem, isSessionItem, toSessionItem } from './session-item';
import { SESSIONS } from './table-design';

export interface DynamoDbSessionRepoSettings {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the `sessions` table. */
  readonly tableName: string;
  readonly clock?: Clock;
}

/**
 * One item per session (ADR 0010, 0018): one strongly consistent GetItem per turn, and one PutItem that
 * rewrites the item only if its `version` is still the one that was read. A refused condition is a conflict
 * for the caller to redo; nothing is merged here.
 */
export class DynamoDbSessionRepo implements SessionRepo {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(settings: DynamoDbSessionRepoSettings) {
    this.client = settings.client;
    this.tableName = settings.tableName;
    this.clock = settings.clock ?? new SystemClock();
  }

  get(id: string): Promise<ChatSession | undefined> {
    return asPortError(SessionRepoError, 'GetItem on sessions', async () => {
      // Strongly consistent: a turn another instance saved a moment ago belongs in this prompt.
      const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [SESSIONS.pk]: id }, ConsistentRead: true }));
      if (!item || !isSessionItem(item)) return undefined;
      const session = fromSessionItem(item);
      // TTL deletes lazily, up to ~48 h late: an expired item still present is gone to the reader.
      return isExpired(session, this.clock.now()) ? undefined : session;
    });
  }

  save(session: ChatSession, expectedVersion: number | undefined): Promise<SaveOutcome> {
    if (session.version !== (expectedVersion ?? 0) + 1) {
      return Promise.reject(new SessionRepoError(`session version ${session.version} does not follow ${String(expectedVersion)}`));
    }
    const now = this.clock.now();
    const creating = expectedVersion === undefined;
    const names: Record<string, string> = creating ? { '#pk': SESSIONS.pk, '#exp': SESSIONS.expiresAtMs } : { '#version': SESSIONS.version, '#exp': SESSIONS.expiresAtMs };
    const values: Record<string, number> = creating ? { ':now': now } : { ':now': now, ':expected': expectedVersion };
    // Creating may replace an expired item the TTL sweep has not removed yet; updating never revives one.
    const condition = creating ? 'attribute_not_exists(#pk) OR #exp <= :now' : '#version = :expected AND #exp > :now';
    return asPortError(SessionRepoError, 'PutItem on sessions', async () => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toSessionItem(session),
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return 'saved';
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') return 'conflict';
        throw error;
      }
    });
  }
}
