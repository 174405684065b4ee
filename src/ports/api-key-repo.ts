import type { NanoUsd } from '../domain/cost/money';
import type { ApiKeyRecord, KeySecret } from '../domain/keys/api-key';

/*
 * Where API keys live (ADR 0012): records by id, secrets by the SHA-256 of the key, and the budget's
 * reservations. Every write that must not race is one atomic step of the store (a conditional write in
 * DynamoDB, a synchronous update in memory), so the guarantees hold across processes.
 */

export interface NewKey {
  readonly record: ApiKeyRecord;
  readonly secretHash: string;
}

/**
 * `hash_taken`: another key's secret has this hash (FAULTS #13). Nothing was written; draw a new key.
 * `id_taken`: a key with this id exists (an idempotent create that another request made first). Nothing was written.
 */
export type CreateOutcome = 'created' | 'hash_taken' | 'id_taken';

export interface FoundKey {
  readonly record: ApiKeyRecord;
  readonly secret: KeySecret;
}

export interface Rotation {
  readonly newSecretHash: string;
  readonly newDisplay: string;
  readonly at: number;
  /** When the replaced secret stops working. */
  readonly oldValidUntil: number;
}

export type RotateOutcome =
  | { readonly kind: 'rotated'; readonly record: ApiKeyRecord }
  | { readonly kind: 'hash_taken' }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'revoked'; readonly record: ApiKeyRecord };

export type RevokeOutcome = { readonly kind: 'revoked'; readonly record: ApiKeyRecord } | { readonly kind: 'not_found' };

export interface Reservation {
  /** Unique; settling uses it to release the reservation exactly once. */
  readonly id: string;
  readonly amountNano: NanoUsd;
  /** Epoch ms after which the store may reclaim it (its process is presumed dead). */
  readonly expiresAt: number;
  /** The budget the caller saw; a store may reserve in one conditional write with it, and re-reads if it changed. */
  readonly budgetNano: NanoUsd;
}

export type ReserveResult = { readonly ok: true } | { readonly ok: false; readonly remainingNano: NanoUsd };

export interface RecordedUse {
  readonly tokens: number;
  readonly costNano: NanoUsd;
  readonly at: number;
}

export type SettleOutcome = 'settled' | 'already_settled' | 'not_found';

export interface KeyPageRequest {
  /** At most this many records (≥ 1). */
  readonly limit: number;
  /** Continue after this key, the last record of the previous page (newest first: older keys follow). */
  readonly afterId?: string | undefined;
}

export interface KeyPage {
  readonly records: readonly ApiKeyRecord[];
  /** Whether older keys follow the last record. */
  readonly hasMore: boolean;
}

export interface ApiKeyRepo {
  /** Stores the record and its first secret together, only if neither exists (a taken id is answered before a taken hash). */
  create(key: NewKey): Promise<CreateOutcome>;
  /** The secret with this hash and its key's record. */
  findBySecretHash(hash: string): Promise<FoundKey | undefined>;
  /** Read-after-write: a key just created or changed is seen as it now is. */
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** An owner's keys, newest first, a page at a time; `unknown_after`: `afterId` names no key of this owner. */
  listByOwner(ownerId: string, page: KeyPageRequest): Promise<KeyPage | 'unknown_after'>;
  /** Idempotent: a revoked key stays revoked with its first revocation time. */
  revoke(id: string, at: number): Promise<RevokeOutcome>;
  /** A new current secret; the replaced one keeps working until `oldValidUntil`. */
  rotate(id: string, rotation: Rotation): Promise<RotateOutcome>;
  /**
   * Holds `amountNano` against the key's budget atomically: granted only if settled spend plus every held
   * reservation plus this one stays within the budget. Reservations past their `expiresAt` are reclaimed first
   * when room is short, so a crashed process cannot hold a budget for ever.
   */
  reserve(keyId: string, reservation: Reservation, now: number): Promise<ReserveResult>;
  /**
   * Adds the use to the key's totals and moves its last use; with a reservation, releases it in the same step.
   * Settling a reservation again changes nothing (`already_settled`).
   */
  settle(keyId: string, use: RecordedUse, reservation: Pick<Reservation, 'id' | 'amountNano'> | undefined): Promise<SettleOutcome>;
}

/** The store could not be reached or answered something unreadable. The message never holds a key or a hash. */
export class ApiKeyRepoError extends Error {
  override readonly name = 'ApiKeyRepoError';
}
