import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { RedisJobQueue } from '../../src/adapters/redis/redis-job-queue';
import { JobQueueError } from '../../src/ports/job-queue';
import { deleteKeys, SHARED_REDIS_URL, startRedisServer, uniquePrefix, whenReady } from '../support/redis-server';
import { jobQueueContract } from './job-queue.contract';

/*
 * The JobQueue contract on the machine's shared Redis, each queue under a prefix of its own. Redis keeps the
 * time (TIME inside the scripts), so "time passing" is real: visibility timeouts are a few hundred ms here.
 * The client is the one the product uses (createRedisClient), with a roomier command timeout for a loaded machine.
 */
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

let redis: Redis;
beforeAll(async () => {
  redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
  await whenReady(redis);
});
afterAll(async () => {
  await redis.quit();
});

function redisQueue(visibilityTimeoutMs = 400, maxReceiveCount = 3) {
  const keyPrefix = uniquePrefix('jobq');
  const queue = new RedisJobQueue({ redis, keyPrefix, queueName: 'contract', visibilityTimeoutMs, maxReceiveCount, pollIntervalMs: 20 });
  return { queue, keyPrefix, visibilityTimeoutMs, maxReceiveCount, advance: (ms: number) => sleep(ms), close: () => deleteKeys(redis, keyPrefix) };
}

jobQueueContract('RedisJobQueue (shared Redis)', () => Promise.resolve(redisQueue()));

describe('RedisJobQueue', () => {
  it('keeps its keys under one hash tag, so its scripts also run on a Redis cluster', async () => {
    const q = redisQueue();
    try {
      await q.queue.send([{ jobId: 'j', item: 0 }]);
      const keys = await redis.keys(`${q.keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`${q.keyPrefix}jobq:{contract}:`)).toBe(true);
    } finally {
      await q.close();
    }
  });

  it('a message a dying consumer held is delivered to another process after the visibility timeout', async () => {
    const q = redisQueue(300);
    const other = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
    try {
      await whenReady(other);
      const second = new RedisJobQueue({ redis: other, keyPrefix: q.keyPrefix, queueName: 'contract', visibilityTimeoutMs: 300, maxReceiveCount: 3 });
      await q.queue.send([{ jobId: 'j', item: 4 }]);
      const [held] = await q.queue.receive({ max: 1, waitMs: 0 });
      expect(held).toBeDefined();
      expect(await second.receive({ max: 1, waitMs: 0 })).toEqual([]);
      // A long poll on the other connection picks it up once it shows again.
      const [taken] = await second.receive({ max: 1, waitMs: 3_000 });
      expect(taken).toMatchObject({ messageId: held?.messageId, receiveCount: 2, message: { jobId: 'j', item: 4 } });
    } finally {
      other.disconnect();
      await q.close();
    }
  });

  it('a body that is not a job message is delivered with no message (poison), never crashing receive', async () => {
    const q = redisQueue();
    try {
      await q.queue.send([{ jobId: 'j', item: 0 }]);
      const id = (await redis.hkeys(`${q.keyPrefix}jobq:{contract}:m`))[0] as string;
      await redis.hset(`${q.keyPrefix}jobq:{contract}:m`, id, 'not json');
      const [d] = await q.queue.receive({ max: 1, waitMs: 0 });
      expect(d).toMatchObject({ message: undefined, rawBody: 'not json' });
    } finally {
      await q.close();
    }
  });

  it('a Redis that is down is a JobQueueError on every operation, and the queue works again once it is back', async () => {
    const server = await startRedisServer();
    const client = createRedisClient(server.url, { commandTimeoutMs: 500 });
    try {
      await whenReady(client);
      const queue = new RedisJobQueue({ redis: client, keyPrefix: 'cs-test:down:', queueName: 'q', visibilityTimeoutMs: 1_000, maxReceiveCount: 2 });
      await queue.send([{ jobId: 'j', item: 0 }]);
      await server.kill();
      await expect(queue.send([{ jobId: 'j', item: 1 }])).rejects.toBeInstanceOf(JobQueueError);
      await expect(queue.receive({ max: 1, waitMs: 0 })).rejects.toBeInstanceOf(JobQueueError);
      await expect(queue.depth()).rejects.toBeInstanceOf(JobQueueError);
      await server.restart();
      await whenReady(client, 10_000);
      await queue.send([{ jobId: 'j', item: 2 }]);
      expect((await queue.receive({ max: 5, waitMs: 0 })).map((d) => d.message)).toEqual([{ jobId: 'j', item: 2 }]);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
