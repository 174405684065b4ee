import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import type { RedisHandle } from '../../src/entrypoints/container/cache-and-limits';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import { TestGatewayKeys } from '../support/gateway/test-gateway-keys';
import { rawRequest } from '../support/gateway/raw-http';
import { deleteKeys, PATIENT_REDIS, SHARED_REDIS_URL, startRedisServer, uniquePrefix, whenReady } from '../support/redis-server';

/*
 * The gateway on Redis (issue 5, items 4 and 6): limits and cache shared by instances, and no 5xx when Redis dies
 * (FAULTS #11) — limits fall back to each instance, the cache is bypassed, and both come back with Redis.
 */

const chat = (content: string) => JSON.stringify({ model: 'bedrock-claude-3-haiku', messages: [{ role: 'user', content }], max_tokens: 5 });
const send = (gw: Gateway, key: string, content: string) =>
  rawRequest(`${gw.url}/v1/chat/completions`, { body: chat(content), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
const redisOf = (gw: Gateway) => gw.harness.local.container.get<RedisHandle>(TOKENS.Redis).client as Redis;

describe('two instances on one Redis', () => {
  const prefix = uniquePrefix('gateway-shared');
  let redis: Redis;
  let a: Gateway;
  let b: Gateway;
  beforeAll(async () => {
    redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
    // One key store for both, as the real one is (DynamoDB): only the limits and the cache go through Redis.
    const keys = new TestGatewayKeys();
    const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, OFFLINE_MAX_LATENCY_MS: '0', ...PATIENT_REDIS };
    a = await startGateway({ env, keys });
    b = await startGateway({ env, keys });
    await Promise.all([whenReady(redis), whenReady(redisOf(a)), whenReady(redisOf(b))]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('shares a key’s requests per minute exactly: 9 of 40 parallel requests spread over both', async () => {
    const { key, keyId } = a.keys.issue({ rpm: 9 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i % 2 === 0 ? a : b, key, `rpm ${i}`)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(9);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(31);
    // The bucket is in Redis, under the key's hash tag.
    expect(await redis.exists(`${prefix}rl:gw:{${keyId}}:rpm`)).toBe(1);
  });

  it('shares tokens per minute exactly', async () => {
    // 'tpm NN' is 2 tokens + 4 + 3, plus max_tokens 5: 14 a request; 140 hold exactly 10.
    const { key } = a.keys.issue({ tpm: 140, rpm: 1_000 });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i % 2 === 0 ? a : b, key, `tpm ${String(i).padStart(2, '0')}`)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
  });

  it('shares the cache: an answer cached by one instance is a hit on the other, for the same key only', async () => {
    const { key } = a.keys.issue();
    const other = a.keys.issue();
    const first = await send(a, key, 'Cache across instances.');
    await a.settled();
    const second = await send(b, key, 'Cache across instances.');
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(second.json()).toMatchObject({ choices: [{ message: { content: (first.json() as { choices: [{ message: { content: string } }] }).choices[0].message.content } }] });
    expect((await send(b, other.key, 'Cache across instances.')).headers['x-cache']).toBe('MISS');
    const entries = await redis.keys(`${prefix}cache:gw:*`);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const ttl = await redis.pttl(entries[0] ?? '');
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });
});

describe('Redis killed mid-run (FAULTS #11)', () => {
  it('answers every request without a 5xx while Redis is down, limits still apply per instance, and it recovers', async () => {
    const server = await startRedisServer();
    const gw = await startGateway({ env: { REDIS_URL: server.url, OFFLINE_MAX_LATENCY_MS: '0' } });
    try {
      await whenReady(redisOf(gw));
      const { key } = gw.keys.issue({ rpm: 1_000 });
      const statuses: number[] = [];
      const run = async (n: number, label: string) => {
        for (let i = 0; i < n; i++) statuses.push((await send(gw, key, `${label} ${i}`)).status);
      };
      await run(10, 'before');
      await server.kill();
      await run(20, 'during');
      const limited = gw.keys.issue({ rpm: 3 });
      const during = [];
      for (let i = 0; i < 5; i++) during.push((await send(gw, limited.key, `local limit ${i}`)).status);
      expect(during).toEqual([200, 200, 200, 429, 429]);
      await server.restart();
      const deadline = Date.now() + 10_000;
      while (redisOf(gw).status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await run(10, 'after');
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(statuses).toHaveLength(40);
      const messages = gw.harness.logs.map((l) => l.message);
      expect(messages).toContain('Redis unavailable; rate limits enforced per instance');
      expect(messages).toContain('Redis unavailable; cache bypassed');
      // Back on Redis: once the adapters' next probe finds it (every 500 ms), answers are cached in it again.
      let hit = false;
      for (let i = 0; !hit && Date.now() < deadline + 5_000; i++) {
        await send(gw, key, `after Redis is back ${i}`);
        await gw.settled();
        hit = (await send(gw, key, `after Redis is back ${i}`)).headers['x-cache'] === 'HIT';
        if (!hit) await new Promise((r) => setTimeout(r, 100));
      }
      expect(hit).toBe(true);
      expect(gw.harness.logs.map((l) => l.message)).toContain('Redis available again');
    } finally {
      await gw.close();
      await server.stop();
    }
  });
});
