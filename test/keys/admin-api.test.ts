import { createHash } from 'node:crypto';
import type { GatewayKeys } from '../../src/application/gateway/gateway-caller';
import type { KeyAdministration } from '../../src/application/keys/key-administration';
import { inspectApiKey } from '../../src/domain/keys/api-key-format';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startHarness, type Harness } from '../support/local-harness';

const ADMIN_TOKEN = 'admin-canary-7c1f9e2b4d6a8c0e1f3b5d7a9c1e3f5b';
const WRONG_TOKEN = 'wrong-canary-0000000000000000000000000000';
const auth = (token = ADMIN_TOKEN) => ({ Authorization: `Bearer ${token}` });
const IN_A_YEAR = new Date(Math.floor(Date.now() / 1000) * 1000 + 365 * 86_400_000).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function expectError(res: { status: number; body: unknown }, status: number, code: string): void {
  expect({ status: res.status, code: (res.body as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }) });
  expect(JSON.stringify(res.body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

describe('admin API for keys (issue 5 item 3)', () => {
  let h: Harness;
  const issued: string[] = [];
  beforeAll(async () => {
    h = await startHarness({ env: { ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await h.close();
    // The log canary: neither the admin tokens nor any key (nor its hash) ever reached a log line.
    const logged = JSON.stringify(h.logs);
    expect(h.logs.length).toBeGreaterThan(0);
    for (const secret of [ADMIN_TOKEN, WRONG_TOKEN, ...issued, ...issued.map(sha256)]) expect(logged.includes(secret)).toBe(false);
  });

  const gateway = () => h.local.container.get<GatewayKeys>(TOKENS.GatewayKeys);
  async function create(body: object = { name: 'ci' }) {
    const res = await h.http.post('/admin/keys').set(auth()).send(body).expect(201);
    issued.push(res.body.key as string);
    return res.body as { id: string; key: string; display: string };
  }

  it('creates a key (201): the only answer that shows it, not cacheable, with its view', async () => {
    const res = await h.http
      .post('/admin/keys')
      .set(auth())
      .send({ name: 'cursor on my laptop', models: ['haiku', 'gpt-4.1-mini'], rpm: 60, tpm: 20_000, budgetUsd: 2.5, expiresAt: IN_A_YEAR })
      .expect(201);
    issued.push(res.body.key);
    expect(inspectApiKey(res.body.key)).toBe('ok');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.location).toBe(`/admin/keys/${res.body.id}`);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^key_[0-9a-f]{32}$/),
      name: 'cursor on my laptop',
      owner: 'admin',
      display: `cs_…${(res.body.key as string).slice(-4)}`,
      status: 'active',
      expiresAt: IN_A_YEAR,
      models: ['haiku', 'gpt-4.1-mini'],
      rpm: 60,
      tpm: 20_000,
      budget: { limitNano: 2_500_000_000, limitUsd: 2.5, spentNano: 0, reservedNano: 0, remainingNano: 2_500_000_000 },
      usage: { requests: 0, tokens: 0, costNano: 0 },
      previousKey: null,
    });
    await expect(gateway().authenticate(res.body.key)).resolves.toMatchObject({ keyId: res.body.id, rpm: 60, allowedModels: ['haiku', 'gpt-4.1-mini'] });
  });

  it('lists and shows keys, never with the key or its hash', async () => {
    const { id, key } = await create({ name: 'listed' });
    const list = await h.http.get('/admin/keys').set(auth()).expect(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect((list.body.keys as { id: string }[]).map((k) => k.id)).toContain(id);
    const one = await h.http.get(`/admin/keys/${id}`).set(auth()).expect(200);
    expect(one.body).toMatchObject({ id, name: 'listed', status: 'active' });
    for (const body of [list.body, one.body]) {
      const text = JSON.stringify(body);
      expect(text.includes(key)).toBe(false);
      expect(text.includes(sha256(key))).toBe(false);
      expect(text).not.toMatch(/"key"\s*:/);
    }
  });

  it('revokes (200): the key stops at once in this process; revoking again is harmless', async () => {
    const { id, key } = await create();
    await expect(gateway().authenticate(key)).resolves.toBeDefined();
    const res = await h.http.post(`/admin/keys/${id}/revoke`).set(auth()).expect(200);
    expect(res.body).toMatchObject({ id, status: 'revoked', revokedAt: expect.any(String) });
    await expect(gateway().authenticate(key)).resolves.toBeUndefined();
    const again = await h.http.post(`/admin/keys/${id}/revoke`).set(auth()).expect(200);
    expect(again.body.revokedAt).toBe(res.body.revokedAt);
    expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()), 409, 'key_revoked');
  });

  it('rotates (201): a new key with the same id; the old one works during the grace period; grace 0 ends it at once', async () => {
    const { id, key: old } = await create();
    const rotated = await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).expect(201);
    issued.push(rotated.body.key);
    expect(rotated.headers['cache-control']).toBe('no-store');
    expect(rotated.body).toMatchObject({ id, previousKey: { display: `cs_…${old.slice(-4)}`, active: true } });
    expect(rotated.body.key).not.toBe(old);
    await expect(gateway().authenticate(rotated.body.key)).resolves.toMatchObject({ keyId: id });
    await expect(gateway().authenticate(old)).resolves.toMatchObject({ keyId: id });
    const now = await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).send({ graceSeconds: 0 }).expect(201);
    issued.push(now.body.key);
    await expect(gateway().authenticate(rotated.body.key)).resolves.toBeUndefined();
    // The rotation before it gave the first value a day, but a rotation with no grace ends every older value.
    await expect(gateway().authenticate(old)).resolves.toBeUndefined();
    await expect(gateway().authenticate(now.body.key)).resolves.toMatchObject({ keyId: id });
  });

  it('a rotation repeated with the usual grace (its answer was lost) leaves the value clients hold working', async () => {
    const { id, key: old } = await create();
    const lost = await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).expect(201);
    const retried = await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).expect(201);
    issued.push(lost.body.key, retried.body.key);
    for (const value of [old, lost.body.key, retried.body.key]) await expect(gateway().authenticate(value)).resolves.toMatchObject({ keyId: id });
  });

  describe('authentication', () => {
    const routes = (id: string) =>
      [
        ['post', '/admin/keys'],
        ['get', '/admin/keys'],
        ['get', `/admin/keys/${id}`],
        ['post', `/admin/keys/${id}/revoke`],
        ['post', `/admin/keys/${id}/rotate`],
      ] as const;

    it('no token → 401 with WWW-Authenticate; a non-Bearer header → 401; a wrong token → 403; on every route', async () => {
      const { id } = await create();
      for (const [method, path] of routes(id)) {
        const none = await h.http[method](path);
        expectError(none, 401, 'unauthorized');
        expect(none.headers['www-authenticate']).toBe('Bearer realm="admin"');
        expectError(await h.http[method](path).set('Authorization', `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`), 401, 'unauthorized');
        expectError(await h.http[method](path).set(auth(WRONG_TOKEN)), 403, 'forbidden');
        expectError(await h.http[method](path).set(auth(`${ADMIN_TOKEN}x`)), 403, 'forbidden');
        expectError(await h.http[method](path).set('Authorization', `Bearer ${'x'.repeat(5_000)}`), 401, 'unauthorized');
      }
    });

    it('FAULTS #24: a gateway client key on an admin route → 403, and it changes nothing', async () => {
      const { id, key } = await create();
      for (const [method, path] of routes(id)) {
        const res = await h.http[method](path).set(auth(key)).send({ name: 'made by a client' });
        expectError(res, 403, 'forbidden');
        expect(res.body.error.message).toMatch(/Gateway API keys cannot manage keys/);
      }
      await expect(gateway().authenticate(key)).resolves.toMatchObject({ keyId: id });
    });

    it('with no ADMIN_TOKEN configured the admin API stays closed: 503 admin_not_configured, whatever is sent', async () => {
      const closed = await startHarness();
      try {
        for (const [method, path] of routes('key_0123456789abcdef0123456789abcdef')) {
          expectError(await closed.http[method](path), 503, 'admin_not_configured');
          expectError(await closed.http[method](path).set(auth()), 503, 'admin_not_configured');
          expectError(await closed.http[method](path).set('Authorization', 'Bearer '), 503, 'admin_not_configured');
        }
      } finally {
        await closed.close();
      }
    });
  });

  it('pages GET /admin/keys: limit and after walk every key once, newest first; nextAfter is null on the last page', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `paged ${i}` });
    const all = await h.http.get('/admin/keys?limit=1000').set(auth()).expect(200);
    expect(all.body).toMatchObject({ hasMore: false, nextAfter: null });
    const everyId = (all.body.keys as { id: string }[]).map((k) => k.id);
    expect(everyId.length).toBeGreaterThanOrEqual(5);
    const created = (all.body.keys as { createdAt: string }[]).map((k) => Date.parse(k.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const walked: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await h.http.get(`/admin/keys?limit=2${next ? `&after=${next}` : ''}`).set(auth()).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect((res.body.keys as unknown[]).length).toBeLessThanOrEqual(2);
      walked.push(...(res.body.keys as { id: string }[]).map((k) => k.id));
      expect(res.body.hasMore).toBe(res.body.nextAfter !== null);
      if (res.body.hasMore) expect(res.body.nextAfter).toBe(walked.at(-1));
      next = res.body.nextAfter as string | null;
      pages++;
    } while (next !== null && pages < 100);
    expect(walked).toEqual(everyId);
    expect(pages).toBe(Math.ceil(everyId.length / 2));
    // Without a limit: the first 100.
    const first = await h.http.get('/admin/keys').set(auth()).expect(200);
    expect((first.body.keys as { id: string }[]).map((k) => k.id)).toEqual(everyId.slice(0, 100));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['after=key_nope', 'after'],
    ['after=key_0123456789abcdef0123456789abcdef', 'after'],
    ['cursor=abc', ''],
  ])('GET /admin/keys?%s → 400 invalid_request naming the parameter', async (query, path) => {
    const res = await h.http.get(`/admin/keys?${query}`).set(auth());
    expectError(res, 400, 'invalid_request');
    if (path) expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toContain(path);
  });

  describe('Idempotency-Key on create', () => {
    const listIds = async () => ((await h.http.get('/admin/keys').set(auth()).expect(200)).body.keys as { id: string }[]).map((k) => k.id);

    it('a retry with the same key and body answers the first key (200, replayed, no value) and makes no second key', async () => {
      const idem = `idem-${Date.now()}-a`;
      const body = { name: 'deploy bot', models: ['haiku', 'gpt-4.1-mini'], rpm: 30, budgetUsd: 1.25, expiresAt: IN_A_YEAR };
      const first = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send(body).expect(201);
      issued.push(first.body.key);
      expect(first.body).toMatchObject({ id: expect.stringMatching(/^key_[0-9a-f]{32}$/), replayed: false, key: expect.stringMatching(/^cs_/) });
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const before = await listIds();

      // The same request again, its fields in another order and a model by its vendor id: the same key.
      const again = await h.http
        .post('/admin/keys')
        .set(auth())
        .set('Idempotency-Key', idem)
        .send({ expiresAt: IN_A_YEAR, budgetUsd: 1.25, rpm: 30, models: ['gpt-4.1-mini', 'claude-haiku-4-5'], name: 'deploy bot' })
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['cache-control']).toBe('no-store');
      expect(again.headers.location).toBe(`/admin/keys/${first.body.id}`);
      const { key: _shownOnce, replayed: _r, ...view } = first.body as Record<string, unknown>;
      expect(again.body).toEqual({ ...view, replayed: true });
      expect(JSON.stringify(again.body).includes(first.body.key)).toBe(false);
      expect(again.body).not.toHaveProperty('key');
      expect(await listIds()).toEqual(before);
      // The first answer's value still works: nothing was re-issued.
      await expect(gateway().authenticate(first.body.key)).resolves.toMatchObject({ keyId: first.body.id });
    });

    it('the same key with another request → 409 idempotency_key_reused, and nothing is created', async () => {
      const idem = `idem-${Date.now()}-b`;
      const first = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'one', rpm: 10 }).expect(201);
      issued.push(first.body.key);
      const before = await listIds();
      for (const other of [{ name: 'two', rpm: 10 }, { name: 'one', rpm: 11 }, { name: 'one', rpm: 10, models: ['haiku'] }, { name: 'one', rpm: 10, expiresAt: IN_A_YEAR }]) {
        expectError(await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send(other), 409, 'idempotency_key_reused');
      }
      expect(await listIds()).toEqual(before);
    });

    it('replays a revoked key as it is now (the key stays revoked), and a new Idempotency-Key makes a new key', async () => {
      const idem = `idem-${Date.now()}-c`;
      const first = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'short-lived' }).expect(201);
      issued.push(first.body.key);
      await h.http.post(`/admin/keys/${first.body.id}/revoke`).set(auth()).expect(200);
      const again = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'short-lived' }).expect(200);
      expect(again.body).toMatchObject({ id: first.body.id, status: 'revoked', replayed: true });
      const fresh = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', `${idem}-2`).send({ name: 'short-lived' }).expect(201);
      issued.push(fresh.body.key);
      expect(fresh.body.id).not.toBe(first.body.id);
    });

    it('ten concurrent creates with one Idempotency-Key make one key: one 201, nine replays', async () => {
      const idem = `idem-${Date.now()}-d`;
      const answers = await Promise.all(Array.from({ length: 10 }, () => h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'racer' })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const created = answers.find((a) => a.status === 201);
      issued.push(created?.body.key);
      expect(new Set(answers.map((a) => a.body.id as string)).size).toBe(1);
      expect((await listIds()).filter((id) => id === created?.body.id)).toHaveLength(1);
    });

    it.each([
      ['empty', ''],
      ['too long', 'k'.repeat(129)],
      ['with a space', 'two words'],
      ['not ASCII', 'clé-idempotente'],
    ])('a malformed Idempotency-Key (%s) → 400 invalid_request, and nothing is created', async (_what, idem) => {
      const before = await listIds();
      const res = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'bad idem' });
      expectError(res, 400, 'invalid_request');
      expect(await listIds()).toEqual(before);
    });

    it('an Idempotency-Key belongs to its owner: another owner’s same key makes that owner’s own key', async () => {
      const admin = h.local.container.get<KeyAdministration>(TOKENS.KeyAdministration);
      const idem = `idem-${Date.now()}-e`;
      const ours = await h.http.post('/admin/keys').set(auth()).set('Idempotency-Key', idem).send({ name: 'shared name' }).expect(201);
      issued.push(ours.body.key);
      const theirs = await admin.create({ ownerId: 'team-c' }, { name: 'shared name' }, { idempotencyKey: idem });
      if (!theirs.ok || theirs.value.replayed) throw new Error('expected a new key for team-c');
      issued.push(theirs.value.key);
      expect(theirs.value.id).not.toBe(ours.body.id);
      expect(theirs.value.owner).toBe('team-c');
    });
  });

  it('FAULTS #24: another owner’s key is not found (404) for reading, revoking and rotating, and not listed', async () => {
    const admin = h.local.container.get<KeyAdministration>(TOKENS.KeyAdministration);
    const theirs = await admin.create({ ownerId: 'team-b' }, { name: 'team b’s key' });
    if (!theirs.ok) throw new Error('setup');
    issued.push(theirs.value.key);
    const id = theirs.value.id;
    expectError(await h.http.get(`/admin/keys/${id}`).set(auth()), 404, 'key_not_found');
    expectError(await h.http.post(`/admin/keys/${id}/revoke`).set(auth()), 404, 'key_not_found');
    expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()), 404, 'key_not_found');
    expect(((await h.http.get('/admin/keys').set(auth())).body.keys as { id: string }[]).map((k) => k.id)).not.toContain(id);
    await expect(gateway().authenticate(theirs.value.key)).resolves.toMatchObject({ keyId: id });
    await expect(admin.show({ ownerId: 'team-b' }, id)).resolves.toMatchObject({ ok: true, value: { status: 'active' } });
  });

  describe('bad input on every admin route', () => {
    it.each([
      ['no body', 400, 'invalid_request', undefined],
      ['not an object', 400, 'invalid_request', []],
      ['no name', 400, 'invalid_request', { models: ['haiku'] }],
      ['an empty name', 400, 'invalid_request', { name: '' }],
      ['a blank name', 400, 'invalid_request', { name: '   ' }],
      ['a name with NUL', 400, 'invalid_request', { name: 'a\u0000b' }],
      ['an unknown field', 400, 'invalid_request', { name: 'x', budget: 5 }],
      ['an unknown model', 400, 'invalid_request', { name: 'x', models: ['gpt-9'] }],
      ['models not a list', 400, 'invalid_request', { name: 'x', models: 'haiku' }],
      ['no models', 400, 'invalid_request', { name: 'x', models: [] }],
      ['rpm as text', 400, 'invalid_request', { name: 'x', rpm: '60' }],
      ['rpm zero', 400, 'invalid_request', { name: 'x', rpm: 0 }],
      ['tpm fractional', 400, 'invalid_request', { name: 'x', tpm: 10.5 }],
      ['a negative budget', 400, 'invalid_request', { name: 'x', budgetUsd: -1 }],
      ['a huge budget', 400, 'invalid_request', { name: 'x', budgetUsd: 1e12 }],
      ['an expiry in the past', 400, 'invalid_request', { name: 'x', expiresAt: '2001-01-01T00:00:00Z' }],
      ['an expiry without a time zone', 400, 'invalid_request', { name: 'x', expiresAt: '2099-01-01T00:00:00' }],
      ['an expiry that is no date', 400, 'invalid_request', { name: 'x', expiresAt: 'tomorrow' }],
    ] as const)('POST /admin/keys with %s → %i %s', async (_what, status, code, body) => {
      const req = h.http.post('/admin/keys').set(auth());
      const res = body === undefined ? await req.set('Content-Type', 'application/json') : await req.send(body as object);
      expectError(res, status, code);
    });

    it('POST /admin/keys names each bad field in details', async () => {
      const res = await h.http.post('/admin/keys').set(auth()).send({ name: 'x', models: ['haiku', 'nope'], rpm: -5 });
      expectError(res, 400, 'invalid_request');
      expect((res.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['models.1', 'rpm']);
    });

    it('POST /admin/keys: not JSON → 415, broken JSON → 400, too large → 413', async () => {
      expectError(await h.http.post('/admin/keys').set(auth()).set('Content-Type', 'text/plain').send('name=x'), 415, 'unsupported_media_type');
      expectError(await h.http.post('/admin/keys').set(auth()).set('Content-Type', 'application/json').send('{"name":'), 400, 'invalid_json');
      expectError(await h.http.post('/admin/keys').set(auth()).send({ name: 'x', pad: 'y'.repeat(70_000) }), 413, 'payload_too_large');
    });

    it.each(['abc', 'key_XYZ', `key_${'0'.repeat(33)}`, 'key_0123456789abcdef0123456789abcde%2F', '..%2F..%2Fetc'])('a malformed key id %s → 400 on show, revoke and rotate', async (id) => {
      expectError(await h.http.get(`/admin/keys/${id}`).set(auth()), 400, 'invalid_request');
      expectError(await h.http.post(`/admin/keys/${id}/revoke`).set(auth()), 400, 'invalid_request');
      expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()), 400, 'invalid_request');
    });

    it('an unknown key id → 404 on show, revoke and rotate', async () => {
      const id = 'key_0123456789abcdef0123456789abcdef';
      expectError(await h.http.get(`/admin/keys/${id}`).set(auth()), 404, 'key_not_found');
      expectError(await h.http.post(`/admin/keys/${id}/revoke`).set(auth()), 404, 'key_not_found');
      expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()), 404, 'key_not_found');
    });

    it('rotate: a bad grace period or body → 400', async () => {
      const { id } = await create();
      for (const body of [{ graceSeconds: -1 }, { graceSeconds: 1.5 }, { graceSeconds: 'soon' }, { graceSeconds: 31 * 86_400 }, { grace: 10 }]) {
        expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).send(body), 400, 'invalid_request');
      }
      expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).set('Content-Type', 'application/json').send('{'), 400, 'invalid_json');
      expectError(await h.http.post(`/admin/keys/${id}/rotate`).set(auth()).set('Content-Type', 'text/plain').send('x'), 415, 'unsupported_media_type');
    });

    it('the wrong method → 405 with Allow', async () => {
      const res = await h.http.put('/admin/keys').set(auth());
      expectError(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe('POST, GET');
      expectError(await h.http.delete('/admin/keys/key_0123456789abcdef0123456789abcdef').set(auth()), 405, 'method_not_allowed');
      expectError(await h.http.get('/admin/keys/key_0123456789abcdef0123456789abcdef/revoke').set(auth()), 405, 'method_not_allowed');
    });
  });
});
