import type { ApiKeyRecord, KeySecret, StoredKeyStatus } from '../../../domain/keys/api-key';
import type { HeldReservation } from '../../../domain/keys/budget';
import { defined, map, MalformedItemError, num, oneOf, optNum, optStr, str, type Item } from './item-fields';
import { API_KEYS } from './table-design';

/*
 * The two item kinds of the apiKeys table (ADR 0012). Records: pk `key#<id>`. Secrets: pk = SHA-256 hex of a key.
 * Money and counters are numbers; `committedNano` = settled spend + held reservations, the one figure the
 * reservation condition compares; `reservations` maps reservation id → { a: amount, x: expiresAt, s?: reclaimed }.
 */

export const RECORD_ENTITY = 'key';
export const SECRET_ENTITY = 'secret';
const STATUSES: readonly StoredKeyStatus[] = ['active', 'revoked'];

export const recordPk = (id: string): string => `key#${id}`;

/** What authentication reads of a record: everything but the reservations map, which can be large. */
export const RECORD_PROJECTION = [
  'entity', 'keyId', 'ownerId', '#name', 'display', '#status', 'createdAt', 'expiresAt', 'revokedAt', 'rotatedAt', 'lastUsedAt',
  'models', 'rpm', 'tpm', 'budgetNano', 'spentNano', 'committedNano', 'requests', 'tokens', 'previous', 'requestFingerprint',
].join(', ');
export const RECORD_PROJECTION_NAMES = { '#name': 'name', '#status': 'status' } as const;

/** A new record item: no usage, no reservations, its current secret's hash. */
export function newRecordItem(record: ApiKeyRecord, secretHash: string): Record<string, unknown> {
  return defined({
    [API_KEYS.pk]: recordPk(record.id),
    entity: RECORD_ENTITY,
    keyId: record.id,
    [API_KEYS.ownerId]: record.ownerId,
    name: record.name,
    display: record.display,
    status: record.status,
    [API_KEYS.createdAt]: record.createdAt,
    expiresAt: record.expiresAt,
    models: record.allowedModels === undefined ? undefined : [...record.allowedModels],
    rpm: record.rpm,
    tpm: record.tpm,
    budgetNano: record.budgetNano,
    spentNano: 0,
    committedNano: 0,
    requests: 0,
    tokens: 0,
    reservations: {},
    currentHash: secretHash,
    requestFingerprint: record.requestFingerprint,
  });
}

export function secretItem(hash: string, keyId: string, createdAt: number): Record<string, unknown> {
  return { [API_KEYS.pk]: hash, entity: SECRET_ENTITY, keyId, createdAt };
}

export function fromRecordItem(item: Item): ApiKeyRecord {
  if (item.entity !== RECORD_ENTITY) throw new MalformedItemError('not an API key record');
  const spentNano = num(item, 'spentNano');
  const previous = map(item, 'previous');
  const models = item.models;
  if (models !== undefined && (!Array.isArray(models) || !models.every((m) => typeof m === 'string'))) throw new MalformedItemError('field models is not a list of names');
  return {
    id: str(item, 'keyId'),
    ownerId: str(item, API_KEYS.ownerId),
    name: str(item, 'name'),
    display: str(item, 'display'),
    status: oneOf(item, 'status', STATUSES),
    createdAt: num(item, API_KEYS.createdAt),
    expiresAt: optNum(item, 'expiresAt'),
    revokedAt: optNum(item, 'revokedAt'),
    rotatedAt: optNum(item, 'rotatedAt'),
    lastUsedAt: optNum(item, 'lastUsedAt'),
    allowedModels: models as readonly string[] | undefined,
    rpm: optNum(item, 'rpm'),
    tpm: optNum(item, 'tpm'),
    budgetNano: optNum(item, 'budgetNano'),
    usage: { requests: num(item, 'requests'), tokens: num(item, 'tokens'), costNano: spentNano },
    reservedNano: num(item, 'committedNano') - spentNano,
    previous: previous === undefined ? undefined : { display: str(previous, 'display'), validUntil: num(previous, 'validUntil') },
    ...(item.requestFingerprint === undefined ? {} : { requestFingerprint: optStr(item, 'requestFingerprint') }),
  };
}

export function fromSecretItem(item: Item): KeySecret {
  if (item.entity !== SECRET_ENTITY) throw new MalformedItemError('not an API key secret');
  return { hash: str(item, API_KEYS.pk), keyId: str(item, 'keyId'), validUntil: optNum(item, 'validUntil') };
}

export function heldReservations(item: Item): Map<string, HeldReservation> {
  const held = new Map<string, HeldReservation>();
  for (const [id, value] of Object.entries(map(item, 'reservations') ?? {})) {
    const entry = value as Item;
    held.set(id, { amountNano: num(entry, 'a'), expiresAt: num(entry, 'x'), staleSince: optNum(entry, 's') });
  }
  return held;
}

/** DynamoDB's TTL counts epoch seconds. */
export const epochSeconds = (ms: number): number => Math.ceil(ms / 1000);
