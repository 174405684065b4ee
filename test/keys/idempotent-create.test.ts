import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { API_KEYS_FILE, FileApiKeyStore } from '../../src/adapters/file/file-api-key-store';
import { InMemoryApiKeyRepo } from '../../src/adapters/memory/in-memory-api-key-repo';
import { CryptoSecureRandom } from '../../src/adapters/system/crypto-secure-random';
import { NodeHasher } from '../../src/adapters/system/node-hasher';
import { SeededRandomSource } from '../../src/adapters/system/seeded-random-source';
import { KeyLookup } from '../../src/application/keys/key-lookup';
import { ManageKeysUseCase } from '../../src/application/keys/manage-keys.use-case';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { idempotentKeyId } from '../../src/domain/keys/idempotency';
import type { ApiKeyRecord } from '../../src/domain/keys/api-key';
import type { ApiKeyRepo } from '../../src/ports/api-key-repo';
import { ManualClock, silentLogger } from '../contracts/support';

/** `create` with an Idempotency-Key (ADR 0012), on the use case: replays, refusals, races and restarts. */

const ADMIN = { ownerId: 'admin' };

function useCase(repo: ApiKeyRepo, clock = new ManualClock()) {
  const hasher = new NodeHasher();
  const lookup = new KeyLookup(repo, hasher, clock, { ttlMs: 2_000, maxEntries: 100 });
  return new ManageKeysUseCase(repo, lookup, buildCatalog(), hasher, new CryptoSecureRandom(), new SeededRandomSource(3), clock, silentLogger, {
    rotationGraceMs: 60_000,
    maxRotationGraceMs: 86_400_000,
  });
}

describe('idempotent key ids', () => {
  it('are key ids, stable for one owner and key, and differ across owners and keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 128 }), fc.string({ minLength: 1, maxLength: 128 }), (owner, a, b) => {
        const id = idempotentKeyId(owner, a);
        expect(id).toMatch(/^key_[0-9a-f]{32}$/);
        expect(idempotentKeyId(owner, a)).toBe(id);
        if (a !== b) expect(idempotentKeyId(owner, b)).not.toBe(id);
        expect(idempotentKeyId(`${owner}x`, a)).not.toBe(id);
      }),
    );
  });
});

describe('ManageKeysUseCase.create with an Idempotency-Key', () => {
  it('without one, the same request twice makes two keys (as before)', async () => {
    const repo = new InMemoryApiKeyRepo();
    const admin = useCase(repo);
    const a = await admin.create(ADMIN, { name: 'twice' });
    const b = await admin.create(ADMIN, { name: 'twice' });
    expect(a.ok && b.ok && a.value.id !== b.value.id).toBe(true);
    await expect(repo.listByOwner('admin', { limit: 10 })).resolves.toMatchObject({ records: [{}, {}], hasMore: false });
  });

  it('a bad spec is refused first, whatever the Idempotency-Key: nothing is stored under it', async () => {
    const repo = new InMemoryApiKeyRepo();
    const admin = useCase(repo);
    const refused = await admin.create(ADMIN, { name: 'x', models: ['gpt-9'] }, { idempotencyKey: 'k1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await expect(repo.get(idempotentKeyId('admin', 'k1'))).resolves.toBeUndefined();
    await expect(admin.create(ADMIN, { name: 'x' }, { idempotencyKey: 'k1' })).resolves.toMatchObject({ ok: true, value: { replayed: false } });
  });

  it('a race where both requests read before either writes: the store’s id_taken makes the loser a replay', async () => {
    const store = new InMemoryApiKeyRepo();
    let readers = 0;
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((done) => (release = done));
    // Every get waits until two have been made, so both requests see no key and both try to create it.
    const racing: ApiKeyRepo = Object.assign(Object.create(store) as ApiKeyRepo, {
      get: async (id: string): Promise<ApiKeyRecord | undefined> => {
        const found = await store.get(id);
        if (++readers === 2) release();
        await bothRead;
        return found;
      },
    });
    const creates: string[] = [];
    const counting: ApiKeyRepo = Object.assign(Object.create(racing) as ApiKeyRepo, {
      create: async (key: Parameters<ApiKeyRepo['create']>[0]) => {
        const outcome = await store.create(key);
        creates.push(outcome);
        return outcome;
      },
    });
    const admin = useCase(counting);
    const [a, b] = await Promise.all([admin.create(ADMIN, { name: 'race' }, { idempotencyKey: 'race-1' }), admin.create(ADMIN, { name: 'race' }, { idempotencyKey: 'race-1' })]);
    expect(creates.sort()).toEqual(['created', 'id_taken']);
    const answers = [a, b].map((r) => (r.ok ? r.value.replayed : r.error.code)).sort();
    expect(answers).toEqual([false, true]);
    await expect(store.listByOwner('admin', { limit: 10 })).resolves.toMatchObject({ records: [{ name: 'race' }], hasMore: false });
  });

  it('the loser of a race with another request under the same key gets 409, and the winner’s key is untouched', async () => {
    const store = new InMemoryApiKeyRepo();
    const id = idempotentKeyId('admin', 'race-2');
    // The other request's key lands between this request's read and its write.
    const late: ApiKeyRepo = Object.assign(Object.create(store) as ApiKeyRepo, {
      get: async (keyId: string) => {
        const found = await store.get(keyId);
        if (keyId === id && found === undefined) await useCase(store).create(ADMIN, { name: 'the other request' }, { idempotencyKey: 'race-2' });
        return found;
      },
    });
    const outcome = await useCase(late).create(ADMIN, { name: 'this request' }, { idempotencyKey: 'race-2' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'idempotency_key_reused' } });
    await expect(store.get(id)).resolves.toMatchObject({ name: 'the other request' });
  });

  it('survives a restart of the local store: the fingerprint is journaled, never the key or the Idempotency-Key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cs-idem-keys-'));
    try {
      const settings = { dataDir, flushDelayMs: 5, compactionRatio: 4, minLinesBeforeCompaction: 20_000 };
      const idempotencyKey = 'idem-canary-5f1c0b7e9a';
      const first = await FileApiKeyStore.open(settings, silentLogger);
      const created = await useCase(new InMemoryApiKeyRepo(first.state)).create(ADMIN, { name: 'persisted', rpm: 5 }, { idempotencyKey });
      if (!created.ok || created.value.replayed) throw new Error('setup');
      await first.close();
      const journal = readFileSync(join(dataDir, API_KEYS_FILE), 'utf8');
      expect(journal).toContain('requestFingerprint');
      expect(journal.includes(created.value.key)).toBe(false);
      expect(journal.includes(idempotencyKey)).toBe(false);

      const second = await FileApiKeyStore.open(settings, silentLogger);
      try {
        const admin = useCase(new InMemoryApiKeyRepo(second.state));
        await expect(admin.create(ADMIN, { name: 'persisted', rpm: 5 }, { idempotencyKey })).resolves.toMatchObject({ ok: true, value: { id: created.value.id, replayed: true } });
        await expect(admin.create(ADMIN, { name: 'persisted', rpm: 6 }, { idempotencyKey })).resolves.toMatchObject({ ok: false, error: { code: 'idempotency_key_reused' } });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
