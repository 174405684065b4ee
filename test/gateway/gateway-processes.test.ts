import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { rawRequest } from '../support/gateway/raw-http';
import { deleteKeys, PATIENT_REDIS, SHARED_REDIS_URL, uniquePrefix, whenReady } from '../support/redis-server';

/*
 * Limits exact across two server processes sharing one Redis (issue 5, item 11): two `npm run start:aws-local`
 * servers — the aws profile's production wiring (DynamoDB key store and usage ledger, RedisRateLimiter and
 * RedisCacheStore, the gateway's door) — on one DynamoDB Local and the machine's Redis, with keys created through
 * the admin API of one of them. Nothing is shared between the processes but DynamoDB and Redis.
 */

const ADMIN_TOKEN = 'admin-two-processes-0123456789abcdef0123';
const work = mkdtempSync(join(tmpdir(), 'cs-gw-procs-'));
const redisPrefix = uniquePrefix('gateway-procs');
const tablePrefix = `gwprocs-${process.pid}`;
let dynamo: DynamoDbLocal;
let redis: Redis;
const children: ChildProcess[] = [];
const urls: string[] = [];

/** Starts one server; resolves with its URL once its "listening" line is out (after tables, seed and Redis). */
function startServer(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err.slice(-2_000)}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const parsed = JSON.parse(line) as { message?: string; url?: string };
          if (parsed.message?.startsWith('listening') && parsed.url) {
            clearTimeout(timer);
            resolve(parsed.url);
          }
        } catch {
          // Not a JSON log line.
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err.slice(-2_000)}`)));
  });
}

beforeAll(async () => {
  const script = join(work, 'aws-local-server.js');
  buildSync({ entryPoints: [join(__dirname, '..', '..', 'src', 'entrypoints', 'local', 'aws-local-server.ts')], outfile: script, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  [dynamo, redis] = await Promise.all([startDynamoDbLocal(), Promise.resolve(createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 }))]);
  await whenReady(redis);
  const env = {
    PORT: '0',
    LOG_LEVEL: 'info',
    POWERTOOLS_METRICS_DISABLED: 'true',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_PREFIX: tablePrefix,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    ...PATIENT_REDIS,
    ADMIN_TOKEN,
    OFFLINE_MIN_LATENCY_MS: '0',
    OFFLINE_MAX_LATENCY_MS: '0',
    DATA_DIR: join(work, 'data'),
  };
  // One after the other: the first creates the tables and seeds them, the second finds them.
  urls.push(await startServer(script, env));
  urls.push(await startServer(script, env));
}, 120_000);

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
  await deleteKeys(redis, redisPrefix);
  await redis.quit();
  await dynamo?.stop();
  rmSync(work, { recursive: true, force: true });
}, 30_000);

async function createKey(body: Record<string, unknown>): Promise<string> {
  const res = await rawRequest(`${urls[0]}/admin/keys`, { body: JSON.stringify({ name: 'two-processes', ...body }), headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
  expect(res.status).toBe(201);
  return res.json<{ key: string }>().key;
}

const send = (url: string, key: string, content: string) =>
  rawRequest(`${url}/v1/chat/completions`, {
    body: JSON.stringify({ model: 'bedrock-claude-3-haiku', messages: [{ role: 'user', content }], max_tokens: 5 }),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });

it('grants exactly 12 of 40 parallel requests a minute to one key across two processes', async () => {
  const key = await createKey({ rpm: 12 });
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(urls[i % 2] ?? '', key, `two processes ${i}`)));
  const refusedBy = [0, 1].map((p) => answers.filter((a, i) => i % 2 === p && a.status === 429).length);
  expect(answers.filter((a) => a.status === 200)).toHaveLength(12);
  expect(answers.filter((a) => a.status === 429)).toHaveLength(28);
  // Each process got 20 requests: with a bucket of its own it would have granted 12 of them (24 in all). Only 12
  // in all, and refusals from both, mean the one bucket in Redis decided for both.
  expect(refusedBy.every((n) => n >= 8)).toBe(true);
  for (const refused of answers.filter((a) => a.status === 429)) {
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'requests' } });
    expect(refused.headers['x-ratelimit-limit-requests']).toBe('12');
  }
  // The bucket is in Redis, under the deployment's prefix.
  const [, buckets] = await redis.scan('0', 'MATCH', `${redisPrefix}rl:gw:*`, 'COUNT', 1000);
  expect(buckets.length).toBeGreaterThan(0);
}, 60_000);

it('grants exactly the tokens per minute there are across two processes', async () => {
  // 'tpm NN' is 2 tokens + 4 + 3, plus max_tokens 5: 14 a request; 140 hold exactly 10.
  const key = await createKey({ tpm: 140, rpm: 1_000 });
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send(urls[i % 2] ?? '', key, `tpm ${String(i).padStart(2, '0')}`)));
  expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
  expect(answers.filter((a) => a.status === 429).every((a) => (a.json() as { error: { type: string } }).error.type === 'tokens')).toBe(true);
}, 60_000);

it('serves an answer cached by one process to the same key on the other', async () => {
  const key = await createKey({});
  const first = await send(urls[0] ?? '', key, 'Cached across processes.');
  expect(first.headers['x-cache']).toBe('MISS');
  let second = await send(urls[1] ?? '', key, 'Cached across processes.');
  // The first process settles (and caches) right after answering: give it the moment it takes.
  for (let i = 0; i < 20 && second.headers['x-cache'] !== 'HIT'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    second = await send(urls[1] ?? '', key, 'Cached across processes.');
  }
  expect(second.headers['x-cache']).toBe('HIT');
}, 60_000);
