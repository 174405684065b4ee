import type { NanoUsd } from '../cost/money';

/*
 * A gateway API key as the product knows it (ADR 0012). The key itself is never stored: each secret a key has
 * had is known only by its SHA-256 (`KeySecret`), and the record is found through it. Rotation gives a key a new
 * secret and keeps its id, limits, budget and usage; the old secret works until its grace period ends.
 */

export type StoredKeyStatus = 'active' | 'revoked';
/** What people see: `expired` is an active key past its expiry. */
export type KeyStatus = StoredKeyStatus | 'expired';

export interface KeyUsageTotals {
  readonly requests: number;
  readonly tokens: number;
  /** Settled spend: every recorded use's cost. */
  readonly costNano: NanoUsd;
}

/** The secret a rotation replaced, while it still works. */
export interface PreviousSecret {
  readonly display: string;
  /** Epoch ms; the old value is refused from then on. */
  readonly validUntil: number;
}

export interface ApiKeyRecord {
  readonly id: string;
  /** Who manages the key; another owner cannot see or change it (FAULTS #24). */
  readonly ownerId: string;
  readonly name: string;
  /** `cs_…AbCd` of the current secret. */
  readonly display: string;
  readonly status: StoredKeyStatus;
  readonly createdAt: number;
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
  readonly rotatedAt: number | undefined;
  readonly lastUsedAt: number | undefined;
  /** Catalog keys; undefined: every model. */
  readonly allowedModels: readonly string[] | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** Lifetime budget; undefined: unlimited. */
  readonly budgetNano: NanoUsd | undefined;
  readonly usage: KeyUsageTotals;
  /** Money held by reservations not yet settled (live or stale-but-unreclaimed). */
  readonly reservedNano: NanoUsd;
  readonly previous: PreviousSecret | undefined;
  /** Set when an `Idempotency-Key` created the key: the fingerprint of that request (`domain/keys/idempotency.ts`). */
  readonly requestFingerprint?: string | undefined;
}

/** One secret of a key, by its hash: the lookup entry of `authenticate`. */
export interface KeySecret {
  /** Lower-case hex SHA-256 of the key. */
  readonly hash: string;
  readonly keyId: string;
  /** Set when a rotation replaced this secret: it works until then. */
  readonly validUntil: number | undefined;
}

export const NO_USAGE: KeyUsageTotals = { requests: 0, tokens: 0, costNano: 0 };

export function statusAt(record: ApiKeyRecord, now: number): KeyStatus {
  if (record.status === 'revoked') return 'revoked';
  return record.expiresAt !== undefined && now >= record.expiresAt ? 'expired' : 'active';
}

/**
 * Whether `secret` lets its holder in at `now`: the key is active and unexpired, and the secret not rotated out.
 * A rotated-out secret works until its own end of grace and never past the grace of the key's latest rotation
 * (`record.previous`): rotating with a short grace — after a leak — ends every older value too, while a repeated
 * rotation with the usual grace (a lost answer retried) leaves the value clients hold working until its own end.
 */
export function secretAccepted(record: ApiKeyRecord, secret: KeySecret, now: number): boolean {
  if (secret.keyId !== record.id || statusAt(record, now) !== 'active') return false;
  if (secret.validUntil === undefined) return true;
  return now < Math.min(secret.validUntil, record.previous?.validUntil ?? secret.validUntil);
}

/** Budget not yet spent or held; negative when settled costs ran past their reservations. */
export function remainingNano(record: Pick<ApiKeyRecord, 'budgetNano' | 'usage' | 'reservedNano'>): NanoUsd | undefined {
  return record.budgetNano === undefined ? undefined : record.budgetNano - record.usage.costNano - record.reservedNano;
}
