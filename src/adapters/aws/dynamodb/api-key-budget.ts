import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decideReservation, expiredReservations, forgettableReservations, heldSettlement, reclaimedNano, settlementOf, unreservedSettlement, type HeldReservation } from '../../../domain/keys/budget';
import { ApiKeyRepoError, type RecordedUse, type Reservation, type ReserveResult, type SettleOutcome } from '../../../ports/api-key-repo';
import { heldReservations, recordPk } from './api-key-item';
import { awsErrorName } from './aws-error';
import { num, optNum, type Item } from './item-fields';

const ATTEMPTS = 5;
/** Entries changed by one reclaiming update, keeping its expression small. */
const RECLAIM_BATCH = 25;

const conditionFailed = (error: unknown): boolean => awsErrorName(error) === 'ConditionalCheckFailedException';

/**
 * Budget reservations on the key's record item (ADR 0012). A reservation is one conditional UpdateItem —
 * `committedNano <= budget - amount`, checked and changed atomically by DynamoDB however many instances race —
 * that adds the amount and records the reservation in the `reservations` map. Settlement is one conditional
 * UpdateItem that removes the entry and replaces its amount by the cost; a second settlement finds no entry. A
 * reservation past its TTL is charged as presumed spend when it is reclaimed (ADR 0012).
 * Only a refusal or a repeated settlement reads the item (strongly consistent) to learn why.
 */
export class DynamoDbKeyBudget {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly staleRetentionMs: number,
  ) {}

  async reserve(keyId: string, reservation: Reservation, now: number): Promise<ReserveResult> {
    let budget = reservation.budgetNano;
    let refusal: ReserveResult = { ok: false, remainingNano: 0 };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await this.tryReserve(keyId, reservation, budget)) return { ok: true };
      const item = await this.read(keyId);
      if (!item) return { ok: false, remainingNano: 0 };
      const stored = optNum(item, 'budgetNano');
      if (stored === undefined) return { ok: true };
      const held = heldReservations(item);
      if (held.has(reservation.id)) throw new ApiKeyRepoError('reservation id reused');
      budget = stored;
      const decision = decideReservation(stored, num(item, 'committedNano'), reservation.amountNano);
      refusal = decision.ok ? refusal : decision;
      // Room was freed (or the budget differed) since the condition failed: try again.
      if (decision.ok || stored !== reservation.budgetNano) continue;
      // Reclaiming makes no room (the money is presumed spent); only a race with another writer is worth a look.
      if ((await this.reclaim(keyId, held, now)) !== 'raced') return decision;
    }
    return refusal;
  }

  async settle(keyId: string, use: RecordedUse, reservation: Pick<Reservation, 'id' | 'amountNano'> | undefined): Promise<SettleOutcome> {
    if (!reservation) return (await this.apply(keyId, use, unreservedSettlement(use.costNano), undefined, 'attribute_exists(pk)')) ? 'settled' : 'not_found';
    const open = 'attribute_exists(reservations.#r) AND reservations.#r.a = :a AND attribute_not_exists(reservations.#r.s)';
    if (await this.apply(keyId, use, heldSettlement(reservation.amountNano, use.costNano), reservation, open, { ':a': reservation.amountNano })) return 'settled';
    const item = await this.read(keyId);
    if (!item) return 'not_found';
    const held = heldReservations(item).get(reservation.id);
    if (held && held.amountNano !== reservation.amountNano) throw new ApiKeyRepoError('settlement names another amount than its reservation holds');
    const settlement = settlementOf(held, true, use.costNano);
    if (settlement.kind !== 'stale') return 'already_settled';
    // Reclaimed while its request ran, its amount charged as presumed spend: the actual cost replaces it.
    const stale = await this.apply(keyId, use, settlement, reservation, 'attribute_exists(reservations.#r.s)');
    return stale ? 'settled' : 'already_settled';
  }

  private async tryReserve(keyId: string, reservation: Reservation, budgetNano: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: recordPk(keyId) },
          UpdateExpression: 'SET reservations.#r = :entry ADD committedNano :a',
          ConditionExpression: 'attribute_exists(pk) AND budgetNano = :b AND committedNano <= :limit AND attribute_not_exists(reservations.#r)',
          ExpressionAttributeNames: { '#r': reservation.id },
          ExpressionAttributeValues: {
            ':entry': { a: reservation.amountNano, x: reservation.expiresAt },
            ':a': reservation.amountNano,
            ':b': budgetNano,
            ':limit': budgetNano - reservation.amountNano,
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /** Usage totals, last use and committed money in one conditional update; false when the condition failed. */
  private async apply(
    keyId: string,
    use: RecordedUse,
    deltas: { readonly committedDeltaNano: number; readonly spentDeltaNano: number },
    reservation: Pick<Reservation, 'id' | 'amountNano'> | undefined,
    condition: string,
    conditionValues: Record<string, unknown> = {},
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: recordPk(keyId) },
          UpdateExpression: `${reservation ? 'REMOVE reservations.#r ' : ''}ADD spentNano :cost, committedNano :delta, requests :one, tokens :tokens SET lastUsedAt = :at`,
          ConditionExpression: condition,
          ...(reservation ? { ExpressionAttributeNames: { '#r': reservation.id } } : {}),
          ExpressionAttributeValues: {
            ':cost': deltas.spentDeltaNano,
            ':delta': deltas.committedDeltaNano,
            ':one': 1,
            ':tokens': use.tokens,
            ':at': use.at,
            ...conditionValues,
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Marks reservations past their TTL as reclaimed — their amount moves from held to spent, presumed spent — and
   * forgets reclaimed ones past the retention, each only if still as read. `raced` when another writer changed
   * them first.
   */
  private async reclaim(keyId: string, held: ReadonlyMap<string, HeldReservation>, now: number): Promise<'reclaimed' | 'nothing' | 'raced'> {
    const expired = expiredReservations(held, now).slice(0, RECLAIM_BATCH);
    const forgettable = forgettableReservations(held, now, this.staleRetentionMs).slice(0, RECLAIM_BATCH);
    if (expired.length === 0) return 'nothing';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now, ':charged': reclaimedNano(held, expired) };
    const sets: string[] = [];
    const conditions: string[] = [];
    expired.forEach((id, i) => {
      names[`#e${i}`] = id;
      values[`:x${i}`] = held.get(id)?.expiresAt;
      sets.push(`reservations.#e${i}.s = :now`);
      conditions.push(`reservations.#e${i}.x = :x${i} AND attribute_not_exists(reservations.#e${i}.s)`);
    });
    forgettable.forEach((id, i) => {
      names[`#f${i}`] = id;
      conditions.push(`attribute_exists(reservations.#f${i}.s)`);
    });
    const remove = forgettable.length > 0 ? ` REMOVE ${forgettable.map((_, i) => `reservations.#f${i}`).join(', ')}` : '';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: recordPk(keyId) },
          UpdateExpression: `SET ${sets.join(', ')} ADD spentNano :charged${remove}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // Another instance reclaimed or settled them first; the caller looks again.
      if (!conditionFailed(error)) throw error;
      return 'raced';
    }
    return 'reclaimed';
  }

  private async read(keyId: string): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recordPk(keyId) },
        ConsistentRead: true,
        ProjectionExpression: 'budgetNano, committedNano, reservations',
      }),
    );
    return item;
  }
}
