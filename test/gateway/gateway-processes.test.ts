import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { rawRequest } from '../support/gateway/raw-http';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix, whenReady } from '../support/redis-server';

/*
 * Limits exact across two server processes sharing one Redis (issue 5, item 11). Each process is the small server
 * script test/support/gateway/gateway-server.ts — the real local composition (config, RedisRateLimiter and
 * RedisCacheStore on REDIS_URL, providers, use cases, the gateway's door) with the test GatewayKeys, which both
 * processes are told the same key through their environment. Nothing is shared between them but Redis.
 */

const work = mkdtempSync(join(tmpdir(), 'cs-gw-procs-'));
const prefix = uniquePrefix('gateway-procs');
const KEY = 'cs_test_two_processes_0123456789';
const KEY_ID = `procs-${process.pid}-${Date.now().toString(36)}`;
let redis: Redis;
const children: ChildProcess[] = [];
const urls: string[] = [];

function startServer(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        try {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          if (parsed.msg === 'listening' && parsed.url) {
            clearTimeout(timer);
            resolve({ child, url: parsed.url });
          }
        } catch {
          // A log line, not the one we wait for.
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}

beforeAll(async () => {
  const script = join(work, 'gateway-server.js');
  buildSync({ entryPoints: [join(__dirname, '..', 'support', 'gateway', 'gateway-server.ts')], outfile: script, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
  await whenReady(redis);
  const env = {
    LOG_LEVEL: 'warn',
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    OFFLINE_MIN_LATENCY_MS: '0',
    OFFLINE_MAX_LATENCY_MS: '0',
    GATEWAY_TEST_KEYS: JSON.stringify([
      { key: KEY, keyId: KEY_ID, rpm: 12, tpm: 1_000_000 },
      { key: `${KEY}_tpm`, keyId: `${KEY_ID}-tpm`, rpm: 1_000, tpm: 140 },
    ]),
  };
  const started = await Promise.all([startServer(script, env), startServer(script, env)]);
  // Each server listens only once its Redis connection is ready (gateway-server.ts).
  urls.push(...started.map((s) => s.url));
}, 60_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await deleteKeys(redis, prefix);
  await redis.quit();
  rmSync(work, { recursive: true, force: true });
});

const send = (url: string, key: string, content: string) =>
  rawRequest(`${url}/v1/chat/completions`, {
    body: JSON.stringify({ model: 'bedrock-claude-3-haiku', messages: [{ role: 'user', content }], max_tokens: 5 }),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });

it('grants exactly 12 of 40 parallel requests a minute across two processes', async () => {
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(urls[i % 2] ?? '', KEY, `two processes ${i}`)));
  const byProcess = [0, 1].map((p) => answers.filter((a, i) => i % 2 === p && a.status === 200).length);
  expect(answers.filter((a) => a.status === 200)).toHaveLength(12);
  expect(answers.filter((a) => a.status === 429)).toHaveLength(28);
  // Both processes served some: the bucket really is shared, not one process doing all the work.
  expect(byProcess.every((n) => n > 0)).toBe(true);
  for (const refused of answers.filter((a) => a.status === 429)) {
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'requests' } });
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('12');
  }
});

it('grants exactly the tokens per minute there are across two processes', async () => {
  // 'tpm NN' is 2 tokens + 4 + 3, plus max_tokens 5: 14 a request; 140 hold exactly 10.
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send(urls[i % 2] ?? '', `${KEY}_tpm`, `tpm ${String(i).padStart(2, '0')}`)));
  expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
  expect(answers.filter((a) => a.status === 429).every((a) => (a.json() as { error: { type: string } }).error.type === 'tokens')).toBe(true);
});
