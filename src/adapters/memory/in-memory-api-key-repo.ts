import type { ApiKeyRecord } from '../../domain/keys/api-key';
import { decideReservation, expiredReservations, forgettableReservations, heldNano, reclaimedNano, settlementOf, type HeldReservation } from '../../domain/keys/budget';
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
} from '../../ports/api-key-repo';
import { ApiKeyState, type ApiKeyChange, type StoredApiKey } from './api-key-state';

export interface InMemoryApiKeyRepoSettings {
  /** How long a reclaimed reservation is remembered, so that a late settlement is charged once (default 24 h). */
  readonly staleRetentionMs?: number;
}

/**
 * API keys in process memory, journaled by the state's journal (the local profile's `api-keys.jsonl`). Every
 * check and its write happen without yielding, so racing requests see each other's reservations. A write that
 * must be durable and fails is taken back, so nothing is acknowledged that is not on disk.
 */
export class InMemoryApiKeyRepo implements ApiKeyRepo {
  private readonly staleRetentionMs: number;

  constructor(
    private readonly state: ApiKeyState = new ApiKeyState(),
    settings: InMemoryApiKeyRepoSettings = {},
  ) {
    this.staleRetentionMs = settings.staleRetentionMs ?? 24 * 3_600_000;
  }

  async create(key: NewKey): Promise<CreateOutcome> {
    if (this.state.keys.has(key.record.id)) return 'id_taken';
    if (this.state.secrets.has(key.secretHash)) return 'hash_taken';
    const stored: StoredApiKey = { record: { ...key.record, reservedNano: 0 }, currentHash: key.secretHash };
    const secret = { hash: key.secretHash, keyId: key.record.id, validUntil: undefined };
    this.state.keys.set(key.record.id, stored);
    this.state.secrets.set(key.secretHash, secret);
    await this.persist([{ t: 'api-key', key: stored }, { t: 'api-key-secret', secret }], true, () => {
      this.state.keys.delete(key.record.id);
      this.state.secrets.delete(key.secretHash);
    });
    return 'created';
  }

  findBySecretHash(hash: string): Promise<FoundKey | undefined> {
    const secret = this.state.secrets.get(hash);
    const stored = secret && this.state.keys.get(secret.keyId);
    return Promise.resolve(secret && stored ? { record: this.view(stored), secret } : undefined);
  }

  get(id: string): Promise<ApiKeyRecord | undefined> {
    const stored = this.state.keys.get(id);
    return Promise.resolve(stored && this.view(stored));
  }

  listByOwner(ownerId: string, page: KeyPageRequest): Promise<KeyPage | 'unknown_after'> {
    const mine = [...this.state.keys.values()].filter((k) => k.record.ownerId === ownerId).map((k) => this.view(k));
    mine.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    const start = page.afterId === undefined ? 0 : mine.findIndex((r) => r.id === page.afterId) + 1;
    if (start === 0 && page.afterId !== undefined) return Promise.resolve('unknown_after');
    return Promise.resolve({ records: mine.slice(start, start + page.limit), hasMore: start + page.limit < mine.length });
  }

  async revoke(id: string, at: number): Promise<RevokeOutcome> {
    const stored = this.state.keys.get(id);
    if (!stored) return { kind: 'not_found' };
    if (stored.record.status === 'revoked') return { kind: 'revoked', record: this.view(stored) };
    const next: StoredApiKey = { ...stored, record: { ...stored.record, status: 'revoked', revokedAt: at } };
    this.state.keys.set(id, next);
    await this.persist([{ t: 'api-key', key: next }], true, () => this.patch(id, (r) => ({ ...r, status: 'active', revokedAt: undefined })));
    return { kind: 'revoked', record: this.view(next) };
  }

  async rotate(id: string, rotation: Rotation): Promise<RotateOutcome> {
    const stored = this.state.keys.get(id);
    if (!stored) return { kind: 'not_found' };
    if (stored.record.status === 'revoked') return { kind: 'revoked', record: this.view(stored) };
    if (this.state.secrets.has(rotation.newSecretHash)) return { kind: 'hash_taken' };
    const oldSecret = this.state.secrets.get(stored.currentHash);
    const validUntil = Math.min(oldSecret?.validUntil ?? Infinity, rotation.oldValidUntil);
    const retired = { hash: stored.currentHash, keyId: id, validUntil };
    const fresh = { hash: rotation.newSecretHash, keyId: id, validUntil: undefined };
    const next: StoredApiKey = {
      currentHash: rotation.newSecretHash,
      record: { ...stored.record, display: rotation.newDisplay, rotatedAt: rotation.at, previous: { display: stored.record.display, validUntil } },
    };
    this.state.keys.set(id, next);
    this.state.secrets.set(retired.hash, retired);
    this.state.secrets.set(fresh.hash, fresh);
    const changes: ApiKeyChange[] = [{ t: 'api-key-secret', secret: fresh }, { t: 'api-key-secret', secret: retired }, { t: 'api-key', key: next }];
    await this.persist(changes, true, () => {
      const { display, rotatedAt, previous } = stored.record;
      this.patch(id, (r) => ({ ...r, display, rotatedAt, previous }), stored.currentHash);
      if (oldSecret) this.state.secrets.set(oldSecret.hash, oldSecret);
      this.state.secrets.delete(fresh.hash);
    });
    return { kind: 'rotated', record: this.view(next) };
  }

  reserve(keyId: string, reservation: Reservation, now: number): Promise<ReserveResult> {
    const stored = this.state.keys.get(keyId);
    if (!stored) return Promise.resolve({ ok: false, remainingNano: 0 });
    const budget = stored.record.budgetNano;
    if (budget === undefined) return Promise.resolve({ ok: true });
    const held = this.state.heldFor(keyId);
    if (held.has(reservation.id)) throw new ApiKeyRepoError('reservation id reused');
    const committed = () => stored.record.usage.costNano + heldNano(held.values());
    const decision = decideReservation(budget, committed(), reservation.amountNano);
    if (!decision.ok) {
      this.reclaim(stored, held, now);
      return Promise.resolve(decision);
    }
    held.set(reservation.id, { amountNano: reservation.amountNano, expiresAt: reservation.expiresAt, staleSince: undefined });
    return Promise.resolve({ ok: true });
  }

  /**
   * Reservations past their TTL are charged as presumed spend (moved from held to spent, so the refusal stands)
   * and reclaimed ones past the retention forgotten. Without yielding; the total's journal line may lag, as
   * reservations themselves never reach the disk.
   */
  private reclaim(stored: StoredApiKey, held: Map<string, HeldReservation>, now: number): void {
    const expired = expiredReservations(held, now);
    for (const id of forgettableReservations(held, now, this.staleRetentionMs)) held.delete(id);
    if (expired.length === 0) return;
    const charged = reclaimedNano(held, expired);
    for (const id of expired) {
      const entry = held.get(id);
      if (entry) held.set(id, { ...entry, staleSince: now });
    }
    const id = stored.record.id;
    this.patch(id, (r) => ({ ...r, usage: { ...r.usage, costNano: r.usage.costNano + charged } }));
    const next = this.state.keys.get(id);
    if (next) void this.persist([{ t: 'api-key', key: next }], false, () => undefined).catch(() => undefined);
  }

  async settle(keyId: string, use: RecordedUse, reservation: Pick<Reservation, 'id' | 'amountNano'> | undefined): Promise<SettleOutcome> {
    const stored = this.state.keys.get(keyId);
    if (!stored) return 'not_found';
    const held = this.state.heldFor(keyId);
    const entry = reservation && held.get(reservation.id);
    const settlement = settlementOf(entry, reservation !== undefined, use.costNano);
    if (settlement.kind === 'already-settled') return 'already_settled';
    const { record } = stored;
    const next: StoredApiKey = {
      ...stored,
      record: {
        ...record,
        lastUsedAt: Math.max(record.lastUsedAt ?? use.at, use.at),
        usage: { requests: record.usage.requests + 1, tokens: record.usage.tokens + use.tokens, costNano: record.usage.costNano + settlement.spentDeltaNano },
      },
    };
    this.state.keys.set(keyId, next);
    if (reservation) held.delete(reservation.id);
    // Spend against a budget must survive a crash (or the budget could be spent twice); other totals may lag.
    const durable = record.budgetNano !== undefined && use.costNano > 0;
    // Taken back by subtraction, so a concurrent settlement of the same key is kept.
    await this.persist([{ t: 'api-key', key: next }], durable, () => {
      this.patch(keyId, (r) => ({
        ...r,
        usage: { requests: r.usage.requests - 1, tokens: r.usage.tokens - use.tokens, costNano: r.usage.costNano - settlement.spentDeltaNano },
      }));
      if (reservation && entry) held.set(reservation.id, entry);
    });
    return 'settled';
  }

  /** Changes the key as it is now (other writes may have landed since), optionally its current secret too. */
  private patch(id: string, change: (record: ApiKeyRecord) => ApiKeyRecord, currentHash?: string): void {
    const now = this.state.keys.get(id);
    if (now) this.state.keys.set(id, { record: change(now.record), currentHash: currentHash ?? now.currentHash });
  }

  private view(stored: StoredApiKey): ApiKeyRecord {
    const held = this.state.reservations.get(stored.record.id);
    return { ...stored.record, reservedNano: held ? heldNano(held.values()) : 0 };
  }

  private async persist(changes: readonly ApiKeyChange[], durable: boolean, takeBack: () => void): Promise<void> {
    try {
      await this.state.journal.write(changes, durable);
    } catch (error) {
      takeBack();
      throw new ApiKeyRepoError('the key store could not write to disk', { cause: error });
    }
  }
}
