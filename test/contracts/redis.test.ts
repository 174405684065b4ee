import type { Redis } from 'ioredis';
import { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import type { Logger } from '../../src/ports/logger';
import type { RateLimiter } from '../../src/ports/rate-limiter';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix, whenReady } from '../support/redis-server';
import { cacheStoreContract } from './cache-store.contract';
import { rateLimiterContract } from './rate-limiter.contract';
import { ManualClock } from './support';

/*
 * The contract suites against the Redis adapters on the machine's shared Redis, each store under a prefix of its
 * own. Redis keeps time itself (key TTLs, TIME in the bucket script), so the contract cases that move a
 * ManualClock cannot apply; they are skipped by name and replaced below by the same checks on short real
 * durations. Redis bounds size server-wide (maxmemory and its eviction policy), not per store, so the size-bound
 * case is replaced by a check that every entry carries a TTL the eviction policy can act on.
 */
const CACHE_CASES_NEEDING_A_CLOCK = [
  'expires an entry once its ttl has passed',
  // It would pass, but only because a ManualClock moves nothing in Redis: the real-time case below proves it.
  'gives a rewritten entry a fresh ttl',
  'evicts the oldest entry when it is full',
];
const LIMITER_CASES_NEEDING_A_CLOCK = ['refills over the window'];

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

let redis: Redis;
beforeAll(async () => {
  // A generous timeout: these tests check semantics, and a timed-out command would be bypassed, not failed.
  redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
  await whenReady(redis);
});
afterAll(async () => {
  await redis.quit();
});

/** Fails the test if the adapter ever saw Redis as unavailable: the cases below must exercise Redis itself. */
function outageWatch(): { logger: Logger; assertNone(): void } {
  const outages: string[] = [];
  const note = (message: string) => {
    if (message.startsWith('Redis unavailable')) outages.push(message);
  };
  return {
    logger: { debug: note, info: note, warn: note, error: note },
    assertNone: () => expect(outages).toEqual([]),
  };
}

/** The limiters here must never need it. */
const unusedFallback: RateLimiter = {
  take: () => Promise.reject(new Error('fell back to the local limiter')),
  takeAll: () => Promise.reject(new Error('fell back to the local limiter')),
  giveBack: () => Promise.reject(new Error('fell back to the local limiter')),
};

function redisCache(label: string) {
  const keyPrefix = uniquePrefix(label);
  const watch = outageWatch();
  const cache = new RedisCacheStore({ redis, keyPrefix, logger: watch.logger, metrics: new InMemoryMetricsSink() });
  const close = async () => {
    watch.assertNone();
    await deleteKeys(redis, keyPrefix);
  };
  return { cache, keyPrefix, close };
}

function redisLimiter(label: string, clock = new ManualClock()) {
  const keyPrefix = uniquePrefix(label);
  const watch = outageWatch();
  const limiter = new RedisRateLimiter({ redis, keyPrefix, fallback: unusedFallback, logger: watch.logger, metrics: new InMemoryMetricsSink(), clock });
  const close = async () => {
    watch.assertNone();
    await deleteKeys(redis, keyPrefix);
  };
  return { limiter, keyPrefix, close };
}

/** Registers a contract suite with the named cases skipped (jest lists them as skipped); every name must exist. */
function withCasesSkipped(names: readonly string[], register: () => void): void {
  const realIt = globalThis.it;
  const seen = new Set<string>();
  const filtering = (name: string, fn?: jest.ProvidesCallback, timeout?: number): void => {
    if (!names.includes(name)) return realIt(name, fn, timeout);
    seen.add(name);
    return realIt.skip(name, fn, timeout);
  };
  globalThis.it = Object.assign(filtering, realIt);
  try {
    register();
  } finally {
    globalThis.it = realIt;
  }
  const unknown = names.filter((name) => !seen.has(name));
  if (unknown.length > 0) throw new Error(`No contract case is named ${unknown.join(', ')}`);
}

withCasesSkipped(CACHE_CASES_NEEDING_A_CLOCK, () =>
  cacheStoreContract('RedisCacheStore (shared Redis)', () => Promise.resolve(redisCache('contract-cache'))),
);

withCasesSkipped(LIMITER_CASES_NEEDING_A_CLOCK, () =>
  rateLimiterContract('RedisRateLimiter (shared Redis)', (clock) => Promise.resolve(redisLimiter('contract-limiter', clock))),
);

describe("CacheStore contract, time-dependent cases on Redis's clock: RedisCacheStore", () => {
  let store: ReturnType<typeof redisCache>;
  beforeEach(() => {
    store = redisCache('cache-time');
  });
  afterEach(() => store.close());

  it('expires an entry once its ttl has passed', async () => {
    await store.cache.set('k', 'v', 300);
    await expect(store.cache.get('k')).resolves.toBe('v');
    const pttl = await redis.pttl(`${store.keyPrefix}k`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(300);
    await sleep(400);
    await expect(store.cache.get('k')).resolves.toBeUndefined();
  });

  it('gives a rewritten entry a fresh ttl', async () => {
    await store.cache.set('k', 'v1', 400);
    await sleep(250);
    await store.cache.set('k', 'v2', 400);
    await sleep(250);
    // 500 ms after the first write, past its ttl: only the rewrite's own ttl keeps it.
    await expect(store.cache.get('k')).resolves.toBe('v2');
    await sleep(250);
    await expect(store.cache.get('k')).resolves.toBeUndefined();
  });

  it('gives every entry a ttl, so the server eviction policy bounds the size; a ttl of 0 or less removes it', async () => {
    await store.cache.set('long', 'v', Number.POSITIVE_INFINITY);
    const pttl = await redis.pttl(`${store.keyPrefix}long`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(365 * 24 * 60 * 60_000);
    await store.cache.set('gone', 'v', 60_000);
    await store.cache.set('gone', 'v', 0);
    await expect(store.cache.get('gone')).resolves.toBeUndefined();
    // A fraction of a millisecond rounds up, not down to an expiry Redis would refuse.
    await store.cache.set('fraction', 'v', 59_999.5);
    await expect(redis.pttl(`${store.keyPrefix}fraction`)).resolves.toBeGreaterThan(59_000);
  });

  it('keeps stores under different prefixes apart', async () => {
    const other = redisCache('cache-other');
    try {
      await store.cache.set('k', 'mine', 60_000);
      await expect(other.cache.get('k')).resolves.toBeUndefined();
      await other.cache.set('k', 'theirs', 60_000);
      await expect(store.cache.get('k')).resolves.toBe('mine');
    } finally {
      await other.close();
    }
  });
});

describe("RateLimiter contract, time-dependent cases on Redis's clock: RedisRateLimiter", () => {
  // One token every 300 ms: a sequential drain of ten takes finishes well inside one refill.
  const policy = { limit: 5, windowMs: 1_500 };
  let subject: ReturnType<typeof redisLimiter>;
  beforeEach(() => {
    subject = redisLimiter('limiter-time');
  });
  afterEach(() => subject.close());

  async function drain(key: string): Promise<number> {
    let allowed = 0;
    for (let i = 0; i < 10; i++) if ((await subject.limiter.take(key, policy)).allowed) allowed++;
    return allowed;
  }

  it('refills over the window', async () => {
    expect(await drain('client')).toBe(5);
    const denied = await subject.limiter.take('client', policy);
    expect(denied).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(300);
    await sleep(denied.retryAfterMs + 10);
    expect((await subject.limiter.take('client', policy)).allowed).toBe(true);
    expect((await subject.limiter.take('client', policy)).allowed).toBe(false);
    await sleep(policy.windowMs + 10);
    expect(await drain('client')).toBe(5);
  });

  it("reads time from Redis: a bucket stamped 5 min ahead (the server's clock stepped back) grants nothing, never a negative wait", async () => {
    const [seconds, micros] = await redis.time();
    const serverNow = Number(seconds) * 1000 + Number(micros) / 1000;
    const key = `${subject.keyPrefix}client`;
    await redis.hset(key, { tokens: '0', at: String(serverNow + 5 * 60_000) });
    for (let i = 0; i < 3; i++) {
      const denied = await subject.limiter.take('client', policy);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(policy.windowMs);
    }
    // The key outlives the step back, so the bucket cannot reappear full before its time.
    expect(await redis.pttl(key)).toBeGreaterThan(5 * 60_000 - 1_000);
  });

  it('lets an idle bucket vanish once it would be full again', async () => {
    const quick = { limit: 2, windowMs: 200 };
    await subject.limiter.take('idle', quick);
    const pttl = await redis.pttl(`${subject.keyPrefix}idle`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(100);
    await sleep(150);
    expect(await redis.exists(`${subject.keyPrefix}idle`)).toBe(0);
    expect(await subject.limiter.take('idle', quick)).toMatchObject({ allowed: true, remaining: 1 });
  });
});
