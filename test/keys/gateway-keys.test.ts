import fc from 'fast-check';
import { InMemoryApiKeyRepo } from '../../src/adapters/memory/in-memory-api-key-repo';
import { NodeHasher } from '../../src/adapters/system/node-hasher';
import { SeededRandomSource } from '../../src/adapters/system/seeded-random-source';
import { KeyLookup } from '../../src/application/keys/key-lookup';
import { KeyDrawError, ManageKeysUseCase } from '../../src/application/keys/manage-keys.use-case';
import { StoredGatewayKeys } from '../../src/application/keys/stored-gateway-keys';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { API_KEY_RANDOM_BYTES, formatApiKey } from '../../src/domain/keys/api-key-format';
import type { ApiKeyRepo } from '../../src/ports/api-key-repo';
import type { Hasher } from '../../src/ports/hasher';
import type { SecureRandom } from '../../src/ports/secure-random';
import { ManualClock, silentLogger } from '../contracts/support';

/** Counts every call a GatewayKeys makes to its store, by method. */
function spied(repo: ApiKeyRepo): { repo: ApiKeyRepo; calls: Record<string, number>; total: () => number } {
  const calls: Record<string, number> = {};
  const wrapped = new Proxy(repo, {
    get(target, name: string) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { repo: wrapped, calls, total: () => Object.values(calls).reduce((a, b) => a + b, 0) };
}

class CountingHasher implements Hasher {
  calls = 0;
  private readonly inner = new NodeHasher();
  sha256Hex(text: string): string {
    this.calls++;
    return this.inner.sha256Hex(text);
  }
}

/** Bytes in a given order, then fresh ones: to make two draws produce the same key (FAULTS #13). */
class ScriptedRandom implements SecureRandom {
  private n = 0;
  constructor(private readonly script: Uint8Array[] = []) {}
  bytes(length: number): Uint8Array {
    const next = this.script.shift();
    if (next) return next;
    const out = new Uint8Array(length);
    out.fill(++this.n % 256);
    out[0] = this.n >> 8;
    return out;
  }
}

const ADMIN = { ownerId: 'admin' };

async function listed(store: ApiKeyRepo, ownerId = 'admin') {
  const page = await store.listByOwner(ownerId, { limit: 1_000 });
  if (page === 'unknown_after') throw new Error('unexpected');
  return page.records;
}
const TTL_MS = 2_000;

function setup(options: { hasher?: Hasher; random?: SecureRandom; ttlMs?: number } = {}) {
  const clock = new ManualClock();
  const store = new InMemoryApiKeyRepo();
  const spy = spied(store);
  const hasher = options.hasher ?? new NodeHasher();
  const lookup = new KeyLookup(spy.repo, hasher, clock, { ttlMs: options.ttlMs ?? TTL_MS, maxEntries: 100 });
  const seeded = new SeededRandomSource(7);
  const keys = new StoredGatewayKeys(lookup, spy.repo, clock, seeded, { reservationTtlMs: 60_000 });
  const admin = new ManageKeysUseCase(store, lookup, buildCatalog(), hasher, options.random ?? new ScriptedRandom(), seeded, clock, silentLogger, {
    rotationGraceMs: 60_000,
    maxRotationGraceMs: 86_400_000,
  });
  const issue = async (input: Parameters<ManageKeysUseCase['create']>[1] = { name: 'k' }) => {
    const result = await admin.create(ADMIN, input);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  return { clock, store, spy, keys, admin, issue, lookup };
}

describe('GatewayKeys.authenticate: every bad key is undefined (FAULTS #21)', () => {
  it('SQL-ish strings, 10 KB keys, Unicode, bad checksums, unknown, revoked and expired keys all answer undefined', async () => {
    const { keys, issue, admin, clock } = setup();
    const good = await issue();
    const revoked = await issue();
    await admin.revoke(ADMIN, revoked.id);
    const expiring = await issue({ name: 'short-lived', expiresAt: clock.now() + 1_000 });
    clock.advance(1_000);
    const unknown = formatApiKey(new Uint8Array(API_KEY_RANDOM_BYTES).fill(0xab));
    const badChecksum = `${good.key.slice(0, -1)}${good.key.endsWith('A') ? 'B' : 'A'}`;
    const bad = [
      '', ' ', 'cs_', "cs_' OR '1'='1", "'; DROP TABLE apiKeys; --", '{"$ne": null}', `${good.key} `, ` ${good.key}`, `${good.key}\u0000`,
      good.key.toUpperCase(), `Bearer ${good.key}`, 'c'.repeat(10_240), `cs_${'a'.repeat(10_237)}`, 'cs_日本語のキー', 'cs_🔑🔑🔑', `${good.key.slice(0, 20)}ɑ${good.key.slice(21)}`,
      badChecksum, unknown, revoked.key, expiring.key,
    ];
    for (const presented of bad) await expect(keys.authenticate(presented)).resolves.toBeUndefined();
    await expect(keys.authenticate(good.key)).resolves.toMatchObject({ keyId: good.id });
    // Anything at all, including non-strings smuggled past the type: undefined, never a throw.
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (s) => expect(await keys.authenticate(s)).toBeUndefined()));
    await expect(keys.authenticate(42 as unknown as string)).resolves.toBeUndefined();
  });

  it('a malformed key or a bad checksum makes no storage call and computes no hash', async () => {
    const hasher = new CountingHasher();
    const { keys, issue, spy } = setup({ hasher });
    const good = await issue();
    const before = { repo: spy.total(), hashes: hasher.calls };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: good.key.length - 1 }), fc.constantFrom(...'0123456789ABCxyz_-é'), async (i, c) => {
        const changed = good.key.slice(0, i) + c + good.key.slice(i + 1);
        if (changed !== good.key) expect(await keys.authenticate(changed)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    for (const s of ['', "cs_' OR 1=1", 'x'.repeat(10_240)]) await keys.authenticate(s);
    expect({ repo: spy.total(), hashes: hasher.calls }).toEqual(before);
  });

  it('FAULTS #22: a bad checksum costs no hash and no lookup wherever the error is; an unknown key costs one hash and one lookup by hash, whatever its value', async () => {
    const hasher = new CountingHasher();
    const { keys, spy } = setup({ hasher, ttlMs: 0 });
    const unknownKeys = Array.from({ length: 20 }, (_, i) => formatApiKey(new Uint8Array(API_KEY_RANDOM_BYTES).fill(i + 1)));
    const perKey: { repo: number; hashes: number }[] = [];
    for (const k of unknownKeys) {
      const before = { repo: spy.total(), hashes: hasher.calls };
      await keys.authenticate(k);
      perKey.push({ repo: spy.total() - before.repo, hashes: hasher.calls - before.hashes });
    }
    // Every unknown key: exactly one hash and one lookup by hash, whatever its value.
    expect(new Set(perKey.map((p) => JSON.stringify(p)))).toEqual(new Set([JSON.stringify({ repo: 1, hashes: 1 })]));
    expect(spy.calls).toEqual({ findBySecretHash: 20 });
    // Every bad checksum, whichever character is wrong: no hash, no lookup.
    for (const k of unknownKeys) for (const at of [3, 20, k.length - 1]) {
      const broken = k.slice(0, at) + (k[at] === '9' ? '8' : '9') + k.slice(at + 1);
      await keys.authenticate(broken);
    }
    expect(spy.calls).toEqual({ findBySecretHash: 20 });
    expect(hasher.calls).toBe(20);
  });
});

describe('GatewayKeys.authenticate: the per-process cache', () => {
  it('reads a key once per TTL; a revocation made elsewhere takes effect when the entry expires', async () => {
    const { keys, issue, spy, clock, store } = setup();
    const k = await issue();
    await expect(keys.authenticate(k.key)).resolves.toBeDefined();
    await expect(keys.authenticate(k.key)).resolves.toBeDefined();
    expect(spy.calls.findBySecretHash).toBe(1);
    // Revoked behind this process's back (another instance): still accepted until the entry is TTL old.
    await store.revoke(k.id, clock.now());
    clock.advance(TTL_MS - 1);
    await expect(keys.authenticate(k.key)).resolves.toBeDefined();
    clock.advance(1);
    await expect(keys.authenticate(k.key)).resolves.toBeUndefined();
    expect(spy.calls.findBySecretHash).toBe(2);
  });

  it('expiry is checked on every call against the clock, not cached', async () => {
    const { keys, issue, clock } = setup();
    const k = await issue({ name: 'x', expiresAt: clock.now() + 500 });
    await expect(keys.authenticate(k.key)).resolves.toBeDefined();
    clock.advance(500);
    await expect(keys.authenticate(k.key)).resolves.toBeUndefined();
  });

  it('100 concurrent first uses of one key share one read', async () => {
    const { keys, issue, spy } = setup();
    const k = await issue();
    const callers = await Promise.all(Array.from({ length: 100 }, () => keys.authenticate(k.key)));
    expect(callers.every((c) => c?.keyId === k.id)).toBe(true);
    expect(spy.calls.findBySecretHash).toBe(1);
  });

  it('a key revoked in this process is refused at once, even when a lookup that started before was still in flight', async () => {
    const clock = new ManualClock();
    const store = new InMemoryApiKeyRepo();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => (release = done));
    // The first lookup reads the key (still active) and then stalls until the test lets it answer.
    let first = true;
    const slow: ApiKeyRepo = Object.assign(Object.create(store) as ApiKeyRepo, {
      findBySecretHash: async (hash: string) => {
        const found = await store.findBySecretHash(hash);
        if (first) {
          first = false;
          await gate;
        }
        return found;
      },
    });
    const lookup = new KeyLookup(slow, new NodeHasher(), clock, { ttlMs: 60_000, maxEntries: 10 });
    const keys = new StoredGatewayKeys(lookup, slow, clock, new SeededRandomSource(1), { reservationTtlMs: 60_000 });
    const admin = new ManageKeysUseCase(store, lookup, buildCatalog(), new NodeHasher(), new ScriptedRandom(), new SeededRandomSource(2), clock, silentLogger, {
      rotationGraceMs: 0,
      maxRotationGraceMs: 1,
    });
    const created = await admin.create(ADMIN, { name: 'k' });
    if (!created.ok) throw new Error('setup');
    const inFlight = keys.authenticate(created.value.key);
    await new Promise((done) => setImmediate(done));
    await admin.revoke(ADMIN, created.value.id);
    release();
    // It began before the revocation, so it may still say yes; what it read must not be remembered.
    await expect(inFlight).resolves.toMatchObject({ keyId: created.value.id });
    await expect(keys.authenticate(created.value.key)).resolves.toBeUndefined();
  });
});

describe('FAULTS #13: two keys that hash alike on create', () => {
  it('the colliding draw is refused by the store, a new key is drawn, nothing is overwritten', async () => {
    const same = new Uint8Array(API_KEY_RANDOM_BYTES).fill(0x42);
    const { issue, keys, store } = setup({ random: new ScriptedRandom([same, same]) });
    const first = await issue({ name: 'first' });
    const second = await issue({ name: 'second' });
    expect(second.key).not.toBe(first.key);
    await expect(keys.authenticate(first.key)).resolves.toMatchObject({ keyId: first.id, name: 'first' });
    await expect(keys.authenticate(second.key)).resolves.toMatchObject({ keyId: second.id, name: 'second' });
    expect((await listed(store)).map((r) => r.name).sort()).toEqual(['first', 'second']);
  });

  it('a hasher that maps everything alike: create gives up after three draws with a clear error, the first key intact', async () => {
    const constant: Hasher = { sha256Hex: () => 'f'.repeat(64) };
    const { issue, store } = setup({ hasher: constant });
    const first = await issue({ name: 'first' });
    await expect(issue({ name: 'second' })).rejects.toBeInstanceOf(KeyDrawError);
    await expect(store.findBySecretHash('f'.repeat(64))).resolves.toMatchObject({ record: { id: first.id, name: 'first' } });
  });
});

describe('GatewayKeys budgets', () => {
  it('a key without a budget reserves nothing and makes no storage call', async () => {
    const { keys, issue, spy } = setup();
    const caller = await keys.authenticate((await issue()).key);
    const before = spy.total();
    await expect(keys.reserveBudget(caller!, 10 ** 9)).resolves.toEqual({ ok: true, reservation: undefined });
    expect(spy.total()).toBe(before);
  });

  it('reserves, refuses with budget_exceeded, settles once (FAULTS #16), and moves totals and last use', async () => {
    const { keys, issue, clock, store } = setup();
    const k = await issue({ name: 'b', budgetUsd: 0.000002 });
    const caller = (await keys.authenticate(k.key))!;
    expect(caller.budgetNano).toBe(2_000);
    const a = await keys.reserveBudget(caller, 1_500);
    expect(a).toEqual({ ok: true, reservation: { keyId: k.id, id: expect.stringMatching(/^res_[0-9a-f]{32}$/), amountNano: 1_500 } });
    await expect(keys.reserveBudget(caller, 600)).resolves.toEqual({ ok: false, code: 'budget_exceeded', remainingNano: 500 });
    const reservation = a.ok ? a.reservation : undefined;
    const use = { tokens: 120, costNano: 1_200, at: clock.now() + 5 };
    await keys.recordUse(k.id, use, reservation);
    await keys.recordUse(k.id, use, reservation);
    await expect(store.get(k.id)).resolves.toMatchObject({ usage: { requests: 1, tokens: 120, costNano: 1_200 }, reservedNano: 0, lastUsedAt: clock.now() + 5 });
    await expect(keys.reserveBudget(caller, 800)).resolves.toMatchObject({ ok: true });
  });

  it('refuses nonsense: a negative or fractional estimate, negative usage, a reservation of another key', async () => {
    const { keys, issue } = setup();
    const k = await issue({ name: 'b', budgetUsd: 1 });
    const caller = (await keys.authenticate(k.key))!;
    await expect(keys.reserveBudget(caller, -1)).rejects.toThrow(RangeError);
    await expect(keys.reserveBudget(caller, 1.5)).rejects.toThrow(RangeError);
    await expect(keys.recordUse(k.id, { tokens: -1, costNano: 0, at: 0 })).rejects.toThrow(RangeError);
    await expect(keys.recordUse(k.id, { tokens: 1, costNano: 0, at: 0 }, { keyId: 'key_other', id: 'res_x', amountNano: 1 })).rejects.toThrow(RangeError);
  });
});
