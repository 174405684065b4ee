import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import type { RedisHandle } from '../../src/entrypoints/container/cache-and-limits';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { chat, recordModelCalls, type RecordedCall } from '../support/chat';
import { startHarness } from '../support/local-harness';
import { deleteKeys, PATIENT_REDIS, SHARED_REDIS_URL, uniquePrefix, whenReady } from '../support/redis-server';

describe('the chat cache on the shared Redis', () => {
  it('serves an identical prompt sent to another instance from Redis, under chat’s own key prefix, with the seed’s 300 s TTL', async () => {
    const prefix = uniquePrefix('chat-cache');
    const redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
    await whenReady(redis);
    const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, ...PATIENT_REDIS };
    let callsA: RecordedCall[] = [];
    let callsB: RecordedCall[] = [];
    const a = await startHarness({ env, configure: (c) => void (callsA = recordModelCalls(c)) });
    const b = await startHarness({ env, configure: (c) => void (callsB = recordModelCalls(c)) });
    try {
      // Until its connection is ready an instance bypasses the cache (by design); start once both are.
      for (const h of [a, b]) {
        const client = h.local.container.get<RedisHandle>(TOKENS.Redis).client as Redis;
        expect(client.options.commandTimeout).toBe(2_000);
        await whenReady(client);
      }
      const first = (await chat(a, 'sendMessage', { message: 'Suggest a saying for Amazon SQS', temperature: 0.2 }).expect(200)).body;
      const second = (await chat(b, 'sendMessage', { message: 'Suggest a saying for Amazon SQS', temperature: 0.8 }).expect(200)).body;
      expect(first.cached).toBe(false);
      expect(second).toMatchObject({ cached: true, reply: first.reply, model: first.model });
      expect([callsA.length, callsB.length]).toEqual([1, 0]);
      const keys = await redis.keys(`${prefix}*`);
      const chatKeys = keys.filter((k) => k.startsWith(`${prefix}cache:chat:v1:`));
      expect(chatKeys).toHaveLength(1);
      expect(chatKeys[0]).toMatch(/chat:v1:[0-9a-f]{64}$/);
      const ttl = await redis.pttl(chatKeys[0] ?? '');
      expect(ttl).toBeGreaterThan(290_000);
      expect(ttl).toBeLessThanOrEqual(300_000);
    } finally {
      await a.close();
      await b.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    }
  });
});
