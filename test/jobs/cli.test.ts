import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import type { JobSummary } from '../../src/domain/jobs/summary';
import { progressView } from '../../src/entrypoints/cli/progress';
import { startHarness, type Harness } from '../support/local-harness';
import { deleteKeys, SHARED_REDIS_URL, whenReady } from '../support/redis-server';
import { SwitchableProvider, withProvider } from './support';

/*
 * The CLIs as they ship (bundled by scripts/build-cli.mjs), run as child processes against a local server
 * listening on a real port: `generate` submits, prints progress and a summary; `jobs` lists and redrives the DLQ.
 */
const root = join(__dirname, '..', '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cs-cli-'));
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, env: { ...process.env, BUILD_OUTDIR: work }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cli: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(work, 'cli', `${cli}.js`), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function listen(h: Harness): Promise<{ url: string; close(): void }> {
  const server = http.createServer(h.local.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const field = (out: string, name: string): string | undefined => new RegExp(`^${name}: (.+)$`, 'm').exec(out)?.[1];

describe('npm run generate, end to end against a running local server', () => {
  let h: Harness;
  let server: { url: string; close(): void };
  beforeAll(async () => {
    h = await startHarness({ env: { OFFLINE_MIN_LATENCY_MS: '20', OFFLINE_MAX_LATENCY_MS: '60', JOBS_WORKER_CONCURRENCY: '2' } });
    server = await listen(h);
  });
  afterAll(async () => {
    server.close();
    await h.close();
  });

  it('shows progress until the job is done, then a summary that matches the job', async () => {
    const { code, stdout, stderr } = await run('generate', ['--count', '24', '--models', 'haiku,gpt-4.1-mini', '--interval', '20', '--url', server.url]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const jobId = /^job (\S+) submitted$/m.exec(stdout)?.[1] ?? '';
    const progress = [...stdout.matchAll(/^progress (\d+)\/(\d+) (\w+)$/gm)].map((m) => ({ done: Number(m[1]), total: Number(m[2]), status: m[3] }));
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) expect(p.total).toBe(24);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    expect(progress.at(-1)).toEqual({ done: 24, total: 24, status: 'succeeded' });
    const job = (await h.http.get(`/jobs/${jobId}`).expect(200)).body as JobSummary;
    expect(stdout).toMatch(new RegExp(`^job ${jobId} succeeded in \\d+\\.\\d s$`, 'm'));
    expect(Number(field(stdout, 'sayings added'))).toBe(job.results.added);
    expect(Number(field(stdout, 'duplicates dropped'))).toBe(job.results.duplicatesDropped);
    expect(field(stdout, 'tokens')).toContain(job.results.tokens.toLocaleString('en-US'));
    expect(field(stdout, 'cost')).toBe(`$${(job.results.costNano / 1e9).toFixed(6)} (${job.results.costNano} nano-USD) (offline simulation)`);
    expect(field(stdout, 'failed')).toBe('0 of 24');
  });

  it('an enrich job from the CLI', async () => {
    const { code, stdout } = await run('generate', ['--enrich', '--services', 's3,lambda', '--services', 'sqs', '--interval', '20', '--url', server.url]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^progress 3\/3 succeeded$/m);
  });

  it.each([
    [['--count', '0'], '--count must be between 1 and 1000, got 0'],
    [['--count', 'ten'], '--count must be a whole number, got "ten"'],
    [[], '--count is required'],
    [['--enrich'], '--enrich needs --services'],
    [['--count', '3', '--colour', 'red'], "Unknown option '--colour'"],
    [['--count', '3', '--url', 'ftp://x'], '--url must be an http(s) URL'],
  ])('bad arguments %j → exit 2 and a message saying what to fix', async (args, message) => {
    const { code, stderr, stdout } = await run('generate', ['--url', server.url, ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: npm run generate');
    expect(stdout).toBe('');
  });

  it('what the server refuses (an unknown model) is a bad argument too: exit 2 with the server’s message', async () => {
    const { code, stderr } = await run('generate', ['--count', '3', '--models', 'gpt-5', '--url', server.url]);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown model "gpt-5"');
    expect(stderr).toContain('(unknown_model)');
  });

  it('no server → exit 1 and a hint, no stack trace', async () => {
    const { code, stderr } = await run('generate', ['--count', '3', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 .*is the server running/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run jobs -- dlq …, against the Redis queue of a running local server', () => {
  let h: Harness;
  let server: { url: string; close(): void };
  let redis: Redis;
  const provider = new SwitchableProvider();
  const queueName = `cli-${process.pid}-${Date.now().toString(36)}`;
  const env = { REDIS_URL: SHARED_REDIS_URL, JOBS_QUEUE_NAME: queueName };
  beforeAll(async () => {
    h = await startHarness({ env: { ...env, JOBS_MAX_RECEIVE_COUNT: '2', JOBS_RETRY_BASE_MS: '1', JOBS_RETRY_CAP_MS: '5', JOBS_POLL_WAIT_MS: '50' }, configure: withProvider('sonnet', provider) });
    server = await listen(h);
    redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
    await whenReady(redis);
  });
  afterAll(async () => {
    server.close();
    await h.close();
    await deleteKeys(redis, `cs:local:jobq:{${queueName}}:`);
    await redis.quit();
  });

  it('lists the dead letters of a poison job and redrives them, after which the job finishes', async () => {
    provider.broken = true;
    const failed = await run('generate', ['--count', '6', '--models', 'sonnet', '--interval', '20', '--url', server.url]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^failed: 6 of 6$/m);
    expect(failed.stdout).toMatch(/item 0: provider_unavailable \(attempt 2, given up\)/);
    const jobId = /^job (\S+) submitted$/m.exec(failed.stdout)?.[1] ?? '';

    let listed = await run('jobs', ['dlq', 'list'], env);
    for (let i = 0; i < 100 && !listed.stdout.startsWith('dead letters: 2'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      listed = await run('jobs', ['dlq', 'list'], env);
    }
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^dead letters: 2$/m);
    expect(listed.stdout).toContain(`job ${jobId} item 0`);
    expect(listed.stdout).toContain(`job ${jobId} item 1`);
    const json = JSON.parse((await run('jobs', ['dlq', 'list', '--json'], env)).stdout) as { count: number };
    expect(json.count).toBe(2);

    provider.broken = false;
    const redriven = await run('jobs', ['dlq', 'redrive'], env);
    expect(redriven).toMatchObject({ code: 0, stdout: 'redriven: 2 message(s) back on the queue\n' });
    let job = (await h.http.get(`/jobs/${jobId}`)).body as JobSummary;
    while (job.status !== 'succeeded') {
      await new Promise((r) => setTimeout(r, 20));
      job = (await h.http.get(`/jobs/${jobId}`)).body as JobSummary;
    }
    expect(job.progress).toMatchObject({ done: 6, failed: 0 });
    expect((await run('jobs', ['queue', 'depth', '--json'], env)).stdout).toBe('{"waiting":0,"inFlight":0,"deadLetters":0}\n');
  });

  it('bad commands → exit 2 with the usage; no shared queue → exit 2 saying what to set', async () => {
    const bad = await run('jobs', ['dlq', 'purge'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "dlq purge"');
    const none = await run('jobs', ['dlq', 'list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no shared queue is configured: set REDIS_URL');
  });
});

describe('progress output', () => {
  it('draws a bar on a terminal', () => {
    const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; cursorTo(): boolean; clearLine(): boolean; moveCursor(): boolean };
    Object.assign(out, { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let written = '';
    out.on('data', (d: Buffer) => (written += d.toString()));
    const view = progressView(out as unknown as NodeJS.WriteStream);
    view.update(3, 12, 'running');
    view.update(12, 12, 'succeeded');
    view.stop();
    expect(written).toContain('█');
    expect(written).toMatch(/12\/12 sayings \| succeeded/);
  });
});
