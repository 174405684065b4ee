import { createHash } from 'node:crypto';
import { NO_USAGE, type ApiKeyRecord } from '../../src/domain/keys/api-key';
import type { ApiKeyRepo, Reservation } from '../../src/ports/api-key-repo';

export interface ApiKeyStore {
  readonly repo: ApiKeyRepo;
  close(): Promise<void>;
  /** The same store as a new process sees it (after a restart, or from another instance). */
  reopen?(): Promise<ApiKeyStore>;
}

let seq = 0;
const T0 = 1_700_000_000_000;
export const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

export function makeKeyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  seq++;
  return {
    id: `key_${process.pid}_${seq}`, ownerId: 'admin', name: `key ${seq}`, display: `cs_…${String(seq).padStart(4, '0')}`, status: 'active',
    createdAt: T0 + seq, expiresAt: undefined, revokedAt: undefined, rotatedAt: undefined, lastUsedAt: undefined,
    allowedModels: undefined, rpm: undefined, tpm: undefined, budgetNano: undefined, usage: NO_USAGE, reservedNano: 0, previous: undefined,
    ...overrides,
  };
}

const reservation = (id: string, amountNano: number, budgetNano: number, expiresAt = T0 + 60_000): Reservation => ({ id, amountNano, budgetNano, expiresAt });

/** The ApiKeyRepo contract (ADR 0012); `make` must return an empty store each time. */
export function apiKeyRepoContract(name: string, make: () => Promise<ApiKeyStore>): void {
  describe(`ApiKeyRepo contract: ${name}`, () => {
    let store: ApiKeyStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    async function created(overrides: Partial<ApiKeyRecord> = {}, secret = `secret-${++seq}`) {
      const record = makeKeyRecord(overrides);
      await expect(store.repo.create({ record, secretHash: hashOf(secret) })).resolves.toBe('created');
      return { record, hash: hashOf(secret) };
    }

    it('finds a created key by its secret’s hash and by id, whole', async () => {
      const { record, hash } = await created({ allowedModels: ['haiku', 'gpt-4.1'], rpm: 60, tpm: 1_000, budgetNano: 5_000, expiresAt: T0 + 86_400_000 });
      await expect(store.repo.findBySecretHash(hash)).resolves.toEqual({ record, secret: { hash, keyId: record.id, validUntil: undefined } });
      await expect(store.repo.get(record.id)).resolves.toEqual(record);
      await expect(store.repo.findBySecretHash(hashOf('never issued'))).resolves.toBeUndefined();
      await expect(store.repo.get('key_missing')).resolves.toBeUndefined();
    });

    it('FAULTS #13: a second key whose secret hashes alike is refused and overwrites nothing', async () => {
      const { record, hash } = await created({}, 'the same secret');
      const other = makeKeyRecord({ name: 'intruder' });
      await expect(store.repo.create({ record: other, secretHash: hash })).resolves.toBe('hash_taken');
      await expect(store.repo.findBySecretHash(hash)).resolves.toMatchObject({ record: { id: record.id, name: record.name } });
      await expect(store.repo.get(other.id)).resolves.toBeUndefined();
    });

    it('a second key with a taken id is id_taken (even when its hash is taken too), and overwrites nothing', async () => {
      const { record, hash } = await created({ name: 'first', requestFingerprint: 'f'.repeat(64) });
      const again = makeKeyRecord({ id: record.id, name: 'second' });
      await expect(store.repo.create({ record: again, secretHash: hashOf('another secret') })).resolves.toBe('id_taken');
      await expect(store.repo.create({ record: again, secretHash: hash })).resolves.toBe('id_taken');
      await expect(store.repo.get(record.id)).resolves.toEqual(record);
      await expect(store.repo.findBySecretHash(hashOf('another secret'))).resolves.toBeUndefined();
      const reopened = store.reopen ? await store.reopen() : undefined;
      if (reopened) {
        store = reopened;
        await expect(store.repo.get(record.id)).resolves.toEqual(record);
        await expect(store.repo.findBySecretHash(hash)).resolves.toEqual({ record, secret: { hash, keyId: record.id, validUntil: undefined } });
      }
    });

    it('lists an owner’s keys newest first, and only theirs', async () => {
      const a = await created({ ownerId: 'team-a', createdAt: T0 + 1 });
      const b = await created({ ownerId: 'team-a', createdAt: T0 + 2 });
      await created({ ownerId: 'team-b' });
      await expect(store.repo.listByOwner('team-a', { limit: 10 })).resolves.toEqual({ records: [b.record, a.record], hasMore: false });
      await expect(store.repo.listByOwner('nobody', { limit: 10 })).resolves.toEqual({ records: [], hasMore: false });
    });

    it('pages through an owner’s keys: each key once, newest first, hasMore until the last page', async () => {
      const mine = [];
      for (let i = 0; i < 7; i++) mine.push((await created({ ownerId: 'team-p', createdAt: T0 + 100 + i })).record);
      const others = await created({ ownerId: 'team-q', createdAt: T0 + 103 });
      const newestFirst = [...mine].reverse().map((r) => r.id);
      for (const limit of [1, 2, 3, 7, 8]) {
        const seen: string[] = [];
        const more: boolean[] = [];
        let afterId: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.repo.listByOwner('team-p', { limit, afterId });
          if (page === 'unknown_after') throw new Error(`unknown_after at limit ${limit}`);
          expect(page.records.length).toBeLessThanOrEqual(limit);
          seen.push(...page.records.map((r) => r.id));
          more.push(page.hasMore);
          if (!page.hasMore) break;
          afterId = page.records.at(-1)?.id;
        }
        expect({ limit, seen }).toEqual({ limit, seen: newestFirst });
        expect(more.at(-1)).toBe(false);
        expect(more.slice(0, -1).every(Boolean)).toBe(true);
      }
      // After the oldest key: an empty last page. After a key of another owner, or of nobody: unknown_after.
      await expect(store.repo.listByOwner('team-p', { limit: 3, afterId: mine[0]?.id })).resolves.toEqual({ records: [], hasMore: false });
      await expect(store.repo.listByOwner('team-p', { limit: 3, afterId: others.record.id })).resolves.toBe('unknown_after');
      await expect(store.repo.listByOwner('team-p', { limit: 3, afterId: 'key_missing' })).resolves.toBe('unknown_after');
    });

    it('revokes once: a second revocation keeps the first time; an unknown key is not found', async () => {
      const { record, hash } = await created();
      await expect(store.repo.revoke(record.id, T0 + 10)).resolves.toMatchObject({ kind: 'revoked', record: { status: 'revoked', revokedAt: T0 + 10 } });
      await expect(store.repo.revoke(record.id, T0 + 20)).resolves.toMatchObject({ kind: 'revoked', record: { revokedAt: T0 + 10 } });
      await expect(store.repo.findBySecretHash(hash)).resolves.toMatchObject({ record: { status: 'revoked' } });
      await expect(store.repo.revoke('key_missing', T0)).resolves.toEqual({ kind: 'not_found' });
    });

    it('rotates: the new secret finds the key, the old one carries its end of grace, the record names both displays', async () => {
      const { record, hash } = await created({ display: 'cs_…old1' });
      const rotation = { newSecretHash: hashOf('next'), newDisplay: 'cs_…new1', at: T0 + 100, oldValidUntil: T0 + 5_000 };
      const rotated = await store.repo.rotate(record.id, rotation);
      expect(rotated).toMatchObject({ kind: 'rotated', record: { id: record.id, display: 'cs_…new1', rotatedAt: T0 + 100, previous: { display: 'cs_…old1', validUntil: T0 + 5_000 } } });
      await expect(store.repo.findBySecretHash(hashOf('next'))).resolves.toMatchObject({ record: { id: record.id }, secret: { validUntil: undefined } });
      await expect(store.repo.findBySecretHash(hash)).resolves.toMatchObject({ record: { id: record.id }, secret: { validUntil: T0 + 5_000 } });
    });

    it('refuses a rotation onto a taken hash (changing nothing), of a revoked key, and of an unknown key', async () => {
      const a = await created();
      const b = await created({ display: 'cs_…bbbb' });
      await expect(store.repo.rotate(b.record.id, { newSecretHash: a.hash, newDisplay: 'cs_…x', at: T0, oldValidUntil: T0 })).resolves.toEqual({ kind: 'hash_taken' });
      await expect(store.repo.get(b.record.id)).resolves.toMatchObject({ display: 'cs_…bbbb', previous: undefined });
      await expect(store.repo.findBySecretHash(a.hash)).resolves.toMatchObject({ record: { id: a.record.id } });
      await store.repo.revoke(b.record.id, T0);
      await expect(store.repo.rotate(b.record.id, { newSecretHash: hashOf('z'), newDisplay: 'cs_…z', at: T0, oldValidUntil: T0 })).resolves.toMatchObject({ kind: 'revoked' });
      await expect(store.repo.rotate('key_missing', { newSecretHash: hashOf('y'), newDisplay: 'cs_…y', at: T0, oldValidUntil: T0 })).resolves.toEqual({ kind: 'not_found' });
    });

    it('holds reservations within the budget, refuses past it with what remains, and lets a key without a budget through', async () => {
      const { record } = await created({ budgetNano: 1_000 });
      await expect(store.repo.reserve(record.id, reservation('res_a', 600, 1_000), T0)).resolves.toEqual({ ok: true });
      await expect(store.repo.reserve(record.id, reservation('res_b', 500, 1_000), T0)).resolves.toEqual({ ok: false, remainingNano: 400 });
      await expect(store.repo.reserve(record.id, reservation('res_c', 400, 1_000), T0)).resolves.toEqual({ ok: true });
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ reservedNano: 1_000, usage: { costNano: 0 } });
      const free = await created();
      await expect(store.repo.reserve(free.record.id, reservation('res_d', 10 ** 12, 0), T0)).resolves.toEqual({ ok: true });
    });

    it('settles a reservation once: totals, last use and held money change on the first settlement only', async () => {
      const { record } = await created({ budgetNano: 1_000 });
      await store.repo.reserve(record.id, reservation('res_a', 600, 1_000), T0);
      const use = { tokens: 42, costNano: 250, at: T0 + 7 };
      await expect(store.repo.settle(record.id, use, { id: 'res_a', amountNano: 600 })).resolves.toBe('settled');
      await expect(store.repo.settle(record.id, use, { id: 'res_a', amountNano: 600 })).resolves.toBe('already_settled');
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ usage: { requests: 1, tokens: 42, costNano: 250 }, reservedNano: 0, lastUsedAt: T0 + 7 });
      // The released 350 n$ are available again: 750 of 1,000 remain.
      await expect(store.repo.reserve(record.id, reservation('res_b', 751, 1_000), T0)).resolves.toEqual({ ok: false, remainingNano: 750 });
      await expect(store.repo.reserve(record.id, reservation('res_c', 750, 1_000), T0)).resolves.toEqual({ ok: true });
    });

    it('records a use without a reservation, and reports an unknown key', async () => {
      const { record } = await created();
      await expect(store.repo.settle(record.id, { tokens: 5, costNano: 9, at: T0 + 1 }, undefined)).resolves.toBe('settled');
      await expect(store.repo.settle(record.id, { tokens: 5, costNano: 9, at: T0 + 2 }, undefined)).resolves.toBe('settled');
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ usage: { requests: 2, tokens: 10, costNano: 18 }, lastUsedAt: T0 + 2 });
      await expect(store.repo.settle('key_missing', { tokens: 1, costNano: 1, at: T0 }, undefined)).resolves.toBe('not_found');
    });

    it('charges a reservation past its TTL as presumed spend when room is short; a late settlement replaces it by its cost, once', async () => {
      const { record } = await created({ budgetNano: 1_000 });
      await store.repo.reserve(record.id, reservation('res_crashed', 800, 1_000, T0 + 1_000), T0);
      await expect(store.repo.reserve(record.id, reservation('res_early', 300, 1_000), T0 + 999)).resolves.toEqual({ ok: false, remainingNano: 200 });
      // Its settlement never came (a crash, or a write that failed): the 800 are presumed spent, not lent again.
      await expect(store.repo.reserve(record.id, reservation('res_after', 300, 1_000), T0 + 1_000)).resolves.toEqual({ ok: false, remainingNano: 200 });
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ reservedNano: 0, usage: { requests: 0, costNano: 800 } });
      await expect(store.repo.reserve(record.id, reservation('res_fits', 200, 1_000), T0 + 1_000)).resolves.toEqual({ ok: true });
      const late = { tokens: 3, costNano: 300, at: T0 + 2_000 };
      await expect(store.repo.settle(record.id, late, { id: 'res_crashed', amountNano: 800 })).resolves.toBe('settled');
      await expect(store.repo.settle(record.id, late, { id: 'res_crashed', amountNano: 800 })).resolves.toBe('already_settled');
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ usage: { requests: 1, costNano: 300 }, reservedNano: 200 });
      // The 500 presumed but not spent are free again: 1,000 − 300 spent − 200 held.
      await expect(store.repo.reserve(record.id, reservation('res_last', 501, 1_000), T0 + 2_000)).resolves.toEqual({ ok: false, remainingNano: 500 });
      await expect(store.repo.reserve(record.id, reservation('res_last', 500, 1_000), T0 + 2_000)).resolves.toEqual({ ok: true });
    });

    it('FAULTS #25: 50 parallel reservations with budget for 5 → exactly 5 granted, and spend never passes the budget', async () => {
      const { record } = await created({ budgetNano: 5_000 });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.repo.reserve(record.id, reservation(`res_${i}`, 1_000, 5_000), T0)));
      const granted = results.flatMap((r, i) => (r.ok ? [i] : []));
      expect(granted).toHaveLength(5);
      for (const r of results) if (!r.ok) expect(r.remainingNano).toBe(0);
      await expect(store.repo.get(record.id)).resolves.toMatchObject({ reservedNano: 5_000 });
      await Promise.all(granted.map((i) => store.repo.settle(record.id, { tokens: 10, costNano: 1_000, at: T0 }, { id: `res_${i}`, amountNano: 1_000 })));
      const after = await store.repo.get(record.id);
      expect(after).toMatchObject({ usage: { requests: 5, costNano: 5_000 }, reservedNano: 0 });
      await expect(store.repo.reserve(record.id, reservation('res_more', 1, 5_000), T0)).resolves.toEqual({ ok: false, remainingNano: 0 });
    });

    it('keeps keys, secrets, revocations, rotations and usage for the next process', async () => {
      if (!store.reopen) return;
      const kept = await created({ budgetNano: 2_000 });
      const revoked = await created();
      await store.repo.revoke(revoked.record.id, T0 + 5);
      await store.repo.rotate(kept.record.id, { newSecretHash: hashOf('kept-next'), newDisplay: 'cs_…next', at: T0 + 6, oldValidUntil: T0 + 60_000 });
      await store.repo.settle(kept.record.id, { tokens: 8, costNano: 700, at: T0 + 7 }, undefined);
      store = await store.reopen();
      await expect(store.repo.findBySecretHash(hashOf('kept-next'))).resolves.toMatchObject({ record: { id: kept.record.id, usage: { costNano: 700 }, display: 'cs_…next' } });
      await expect(store.repo.findBySecretHash(kept.hash)).resolves.toMatchObject({ secret: { validUntil: T0 + 60_000 } });
      await expect(store.repo.get(revoked.record.id)).resolves.toMatchObject({ status: 'revoked', revokedAt: T0 + 5 });
      await expect(store.repo.reserve(kept.record.id, reservation('res_x', 1_301, 2_000), T0)).resolves.toEqual({ ok: false, remainingNano: 1_300 });
    });
  });
}
