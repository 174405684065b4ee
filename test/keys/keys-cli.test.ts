import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GatewayKeys } from '../../src/application/gateway/gateway-caller';
import { inspectApiKey } from '../../src/domain/keys/api-key-format';
import { InMemoryApiKeyRepo } from '../../src/adapters/memory/in-memory-api-key-repo';
import { CryptoSecureRandom } from '../../src/adapters/system/crypto-secure-random';
import { NodeHasher } from '../../src/adapters/system/node-hasher';
import { SeededRandomSource } from '../../src/adapters/system/seeded-random-source';
import { KeyLookup } from '../../src/application/keys/key-lookup';
import { ManageKeysUseCase } from '../../src/application/keys/manage-keys.use-case';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { allKeys, runKeysCli } from '../../src/entrypoints/cli/keys-cli';
import { ManualClock, silentLogger } from '../contracts/support';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { createLocalApp, type LocalApp } from '../../src/entrypoints/local/local-app';
import { captureLogger, FAST_ENV, type CapturedLog } from '../support/local-harness';

/*
 * `npm run keys` end to end: the bundle scripts/build-cli.mjs writes, run as its own process against a temp
 * data folder — alone, and beside a running local server (through its admin API). Bad arguments in process.
 */
const root = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cs-keys-cli-'));
const bundle = join(work, 'dist', 'cli', 'keys.js');
const ADMIN_TOKEN = 'cli-canary-admin-token-5f2e9a1c7b3d8e4f6a0b';
const run = promisify(execFile);

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
const outputs: Ran[] = [];

async function keys(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  const result = await run(process.execPath, [bundle, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  outputs.push(result);
  return result;
}
const json = <T = Record<string, unknown>>(r: Ran): T => JSON.parse(r.stdout) as T;

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, env: { ...process.env, BUILD_OUTDIR: join(work, 'dist') }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function localApp(dataDir: string, logs: CapturedLog[], env: Record<string, string> = {}): Promise<LocalApp> {
  return createLocalApp({ env: { ...FAST_ENV, DATA_DIR: dataDir, ...env }, logger: captureLogger(logs) });
}

describe('npm run keys, against the data folder (no server running)', () => {
  const dataDir = join(work, 'alone');
  const issued: string[] = [];

  it('create → list → show → revoke → rotate, with --json output a script can parse, kept for the next server', async () => {
    const created = await keys(['create', '--name', 'ci runner', '--models', 'haiku,gpt-4.1-mini', '--rpm', '30', '--budget-usd', '0.5', '--expires', '30d', '--json', '--data-dir', dataDir]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const a = json<{ id: string; key: string; display: string; models: string[]; budget: { limitNano: number } }>(created);
    issued.push(a.key);
    expect(inspectApiKey(a.key)).toBe('ok');
    expect(a).toMatchObject({ models: ['haiku', 'gpt-4.1-mini'], rpm: 30, budget: { limitNano: 500_000_000 }, display: `cs_…${a.key.slice(-4)}` });

    const b = json<{ id: string; key: string }>(await keys(['create', '--name', 'second', '--json', '--data-dir', dataDir]));
    issued.push(b.key);

    const listed = await keys(['list', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(json<{ keys: { id: string }[] }>(listed).keys.map((k) => k.id)).toEqual([b.id, a.id]);
    const human = await keys(['list', '--data-dir', dataDir]);
    expect(human.stdout).toMatch(/^ID\s+NAME\s+KEY\s+STATUS/);
    expect(human.stdout).toContain(a.display);

    const shown = await keys(['show', a.id, '--json', '--data-dir', dataDir]);
    expect(json(shown)).toMatchObject({ id: a.id, name: 'ci runner', status: 'active' });
    expect((await keys(['show', a.id, '--data-dir', dataDir])).stdout).toContain('models:    haiku, gpt-4.1-mini');

    expect(json(await keys(['revoke', a.id, '--json', '--data-dir', dataDir]))).toMatchObject({ id: a.id, status: 'revoked' });
    const rotated = await keys(['rotate', b.id, '--grace-seconds', '3600', '--json', '--data-dir', dataDir]);
    const r = json<{ id: string; key: string; previousKey: { active: boolean } }>(rotated);
    issued.push(r.key);
    expect(r).toMatchObject({ id: b.id, previousKey: { active: true } });
    expect((await keys(['rotate', a.id, '--data-dir', dataDir])).code).toBe(1);

    // What the CLI wrote, a server reads: same use cases, same store.
    const logs: CapturedLog[] = [];
    const app = await localApp(dataDir, logs);
    try {
      const gateway = app.container.get<GatewayKeys>(TOKENS.GatewayKeys);
      await expect(gateway.authenticate(a.key)).resolves.toBeUndefined();
      await expect(gateway.authenticate(r.key)).resolves.toMatchObject({ keyId: b.id });
      await expect(gateway.authenticate(b.key)).resolves.toMatchObject({ keyId: b.id });
    } finally {
      await app.close();
    }
    // Only hashes on disk; no key in any file of the folder.
    for (const file of readdirSync(dataDir)) {
      const text = readFileSync(join(dataDir, file), 'utf8');
      for (const key of issued) expect(text.includes(key)).toBe(false);
    }
  });

  it('human output by default: the key once, with a warning to store it', async () => {
    const created = await keys(['create', '--name', 'human', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const key = /\n {2}(cs_\w+)\n/.exec(created.stdout)?.[1] ?? '';
    issued.push(key);
    expect(inspectApiKey(key)).toBe('ok');
    expect(created.stdout).toMatch(/shown this once — store it now/);
  });

  it('create --idempotency-key is safe to re-run: the same arguments say the key exists (exit 0, no value); others exit 1', async () => {
    const args = ['create', '--name', 'deploy bot', '--rpm', '9', '--expires', '2030-01-31T00:00:00Z', '--idempotency-key', 'cli-idem-1', '--data-dir', dataDir];
    const first = await keys([...args, '--json']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const made = json<{ id: string; key: string; replayed: boolean }>(first);
    issued.push(made.key);
    expect(made.replayed).toBe(false);

    const again = await keys([...args, '--json']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(json(again)).toMatchObject({ id: made.id, replayed: true, rpm: 9 });
    expect(json(again)).not.toHaveProperty('key');
    const human = await keys(args);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`Key ${made.id} was already created with this --idempotency-key; no new key was made`));
    expect(human.stdout).toMatch(/npm run keys -- rotate key_/);
    expect(human.stdout.includes(made.key)).toBe(false);

    const other = await keys(['create', '--name', 'another bot', '--expires', '2030-01-31T00:00:00Z', '--idempotency-key', 'cli-idem-1', '--data-dir', dataDir]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/Idempotency-Key already created a key from a different request/);
    const listed = json<{ keys: { id: string; name: string }[] }>(await keys(['list', '--json', '--data-dir', dataDir])).keys;
    expect(listed.filter((k) => k.name === 'deploy bot').map((k) => k.id)).toEqual([made.id]);
    expect(listed.some((k) => k.name === 'another bot')).toBe(false);
  });

  it('the keys appear in the output of create and rotate only, never on stderr', () => {
    for (const o of outputs) for (const key of issued) expect(o.stderr.includes(key)).toBe(false);
    const showing = outputs.filter((o) => issued.some((k) => o.stdout.includes(k)));
    expect(showing.length).toBe(issued.length);
  });
});

describe('npm run keys beside a running server (ADR 0013)', () => {
  const dataDir = join(work, 'served');
  let app: LocalApp;
  let server: Server;
  const logs: CapturedLog[] = [];

  beforeAll(async () => {
    app = await localApp(dataDir, logs, { ADMIN_TOKEN });
    server = createServer(app.app).listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    app.advertiseAdmin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    server.close();
    await app.close();
  });

  it('goes through the server’s admin API: the key works on the server at once, and the files stay the server’s', async () => {
    const created = await keys(['create', '--name', 'via server', '--json', '--data-dir', dataDir], { ADMIN_TOKEN });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const k = json<{ id: string; key: string }>(created);
    await expect(app.container.get<GatewayKeys>(TOKENS.GatewayKeys).authenticate(k.key)).resolves.toMatchObject({ keyId: k.id });
    expect(json<{ keys: { id: string }[] }>(await keys(['list', '--json', '--data-dir', dataDir], { ADMIN_TOKEN })).keys.map((x) => x.id)).toEqual([k.id]);
    expect(json(await keys(['revoke', k.id, '--json', '--data-dir', dataDir], { ADMIN_TOKEN }))).toMatchObject({ status: 'revoked' });
    await expect(app.container.get<GatewayKeys>(TOKENS.GatewayKeys).authenticate(k.key)).resolves.toBeUndefined();
    const bad = await keys(['create', '--name', 'x', '--models', 'nope', '--data-dir', dataDir], { ADMIN_TOKEN });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown model "nope"/);
    expect(JSON.stringify(logs).includes(k.key)).toBe(false);
    expect(JSON.stringify(logs).includes(ADMIN_TOKEN)).toBe(false);
  });

  it('create --idempotency-key through the server: the header goes along, and a re-run answers the same key', async () => {
    const args = ['create', '--name', 'served idem', '--idempotency-key', 'cli-served-idem', '--json', '--data-dir', dataDir];
    const first = json<{ id: string; key: string; replayed: boolean }>(await keys(args, { ADMIN_TOKEN }));
    expect(first.replayed).toBe(false);
    const again = await keys(args, { ADMIN_TOKEN });
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(json(again)).toMatchObject({ id: first.id, replayed: true });
    expect(again.stdout.includes(first.key)).toBe(false);
    const other = await keys(['create', '--name', 'not the same', '--idempotency-key', 'cli-served-idem', '--data-dir', dataDir], { ADMIN_TOKEN });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/different request/);
    expect(JSON.stringify(logs).includes(first.key)).toBe(false);
    expect(JSON.stringify(logs).includes('cli-served-idem')).toBe(false);
  });

  it('without ADMIN_TOKEN, or with a wrong one, it says what to do and exits 1 — it never opens the files', async () => {
    const none = await keys(['list', '--data-dir', dataDir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/owns .*set ADMIN_TOKEN to its admin token/);
    const wrong = await keys(['list', '--data-dir', dataDir], { ADMIN_TOKEN: 'not-the-token-000000000000000' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the admin token/);
    expect(wrong.stderr.includes('not-the-token')).toBe(false);
  });
});

describe('list reads every page', () => {
  it('collects each key once, newest first, whatever the page size; a failing page is the answer', async () => {
    const clock = new ManualClock();
    const repo = new InMemoryApiKeyRepo();
    const admin = new ManageKeysUseCase(repo, new KeyLookup(repo, new NodeHasher(), clock, { ttlMs: 1, maxEntries: 10 }), buildCatalog(), new NodeHasher(), new CryptoSecureRandom(), new SeededRandomSource(5), clock, silentLogger, {
      rotationGraceMs: 0,
      maxRotationGraceMs: 1,
    });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(1);
      const made = await admin.create({ ownerId: 'admin' }, { name: `k${i}` });
      if (made.ok) ids.unshift(made.value.id);
    }
    for (const size of [1, 2, 3, 7, 1_000]) {
      const all = await allKeys(admin, { ownerId: 'admin' }, size);
      expect(all.ok && all.value.map((k) => k.id)).toEqual(ids);
    }
    await expect(allKeys(admin, { ownerId: 'admin' }, 0)).resolves.toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});

describe('bad arguments: a clear message and exit code 2, and nothing touched', () => {
  const dataDir = join(work, 'untouched');
  it.each([
    [[], 0],
    [['frobnicate'], 2],
    [['create'], 2],
    [['create', '--name'], 2],
    [['create', '--name', 'x', '--rpm', 'fast'], 2],
    [['create', '--name', 'x', '--rpm', '-1'], 2],
    [['create', '--name', 'x', '--budget-usd', '1e3'], 2],
    [['create', '--name', 'x', '--expires', 'tomorrow'], 2],
    [['create', '--name', 'x', '--expires', '2030-01-01'], 2],
    [['create', '--name', 'x', '--colour', 'red'], 2],
    [['create', '--name', 'x', '--grace-seconds', '5'], 2],
    [['create', '--name', '', '--json'], 2],
    [['create', '--name', 'x', '--rpm', '0'], 2],
    [['show'], 2],
    [['show', 'key_nope'], 2],
    [['show', 'key_0123456789abcdef0123456789abcdef', 'extra'], 2],
    [['revoke', '../../etc/passwd'], 2],
    [['rotate', 'key_0123456789abcdef0123456789abcdef', '--grace-seconds', 'soon'], 2],
    [['list', '--profile', 'gcp'], 2],
    [['list', '--owner', 'Not An Owner'], 2],
    [['list', 'extra'], 2],
    [['create', '--name', 'x', '--idempotency-key', ''], 2],
    [['create', '--name', 'x', '--idempotency-key', 'with space'], 2],
    [['create', '--name', 'x', '--idempotency-key', 'k'.repeat(129)], 2],
    [['create', '--name', 'x', '--idempotency-key', 'k1', '--expires', '30d'], 2],
    [['list', '--idempotency-key', 'k1'], 2],
    [['rotate', 'key_0123456789abcdef0123456789abcdef', '--idempotency-key', 'k1'], 2],
  ] as const)('keys %j → exit %i', async (args, code) => {
    const out: string[] = [];
    const err: string[] = [];
    const exit = await runKeysCli([...args, '--data-dir', dataDir], { env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    expect(exit).toBe(code);
    if (code === 2 && (args as readonly string[]).includes('--json')) expect(JSON.parse(err.join(''))).toMatchObject({ error: { code: 'invalid_request', details: [{ path: 'name' }] } });
    else if (code === 2) expect(err.join('')).toMatch(/^keys: \S/);
    else expect(out.join('')).toMatch(/^Usage: npm run keys/);
    expect(readdirSafe(dataDir).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('the aws profile without a table says so (exit 1)', async () => {
    const err: string[] = [];
    const exit = await runKeysCli(['list', '--profile', 'aws'], { env: {}, stdout: () => undefined, stderr: (t) => err.push(t) });
    expect(exit).toBe(1);
    expect(err.join('')).toMatch(/API_KEYS_TABLE/);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
