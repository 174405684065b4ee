import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { GIVE_BACK_BODY, TAKE_TOKEN_BODY } from '../../src/adapters/redis/take-token-script';
import { fullBucket, giveBackTokens, takeFromAll, takeToken, takeTokens, type BucketState } from '../../src/domain/limits/token-bucket';
import type { RateLimiter } from '../../src/ports/rate-limiter';
import { silentLogger } from '../contracts/support';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix, whenReady } from '../support/redis-server';

/*
 * The shared token bucket on the machine's Redis, under a prefix of this file's own: exact across clients, and
 * the same decisions as the domain's takeToken.
 */

const prefix = uniquePrefix('redis-rate-limiter');
/** Two connections stand for two processes: nothing is shared between them but Redis. */
let first: Redis;
let second: Redis;
beforeAll(async () => {
  first = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000, connectionName: 'cs-test-first' });
  second = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000, connectionName: 'cs-test-second' });
  await Promise.all([whenReady(first), whenReady(second)]);
});
afterAll(async () => {
  await deleteKeys(first, prefix);
  await Promise.all([first.quit(), second.quit()]);
});

/** Any call reaching it fails the test: these decisions must come from Redis. */
const noFallback: RateLimiter = {
  take: () => Promise.reject(new Error('fell back to the local limiter')),
  takeAll: () => Promise.reject(new Error('fell back to the local limiter')),
  giveBack: () => Promise.reject(new Error('fell back to the local limiter')),
};

const limiterOver = (redis: Redis, keyPrefix: string) =>
  new RedisRateLimiter({ redis, keyPrefix, fallback: noFallback, logger: silentLogger, metrics: new InMemoryMetricsSink() });

it('grants exactly `limit` of 100 concurrent takes spread over two processes', async () => {
  const keyPrefix = `${prefix}exact:`;
  const limiters = [limiterOver(first, keyPrefix), limiterOver(second, keyPrefix)] as const;
  const policy = { limit: 10, windowMs: 60_000 };
  const decisions = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? limiters[0] : limiters[1]).take('client', policy)));
  const allowed = decisions.filter((d) => d.allowed);
  expect(allowed).toHaveLength(10);
  expect(allowed.map((d) => d.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const d of decisions.filter((x) => !x.allowed)) {
    expect(d.remaining).toBe(0);
    expect(d.retryAfterMs).toBeGreaterThan(0);
    expect(d.retryAfterMs).toBeLessThanOrEqual(6_000);
  }
});

/*
 * The script with the time handed in instead of read from TIME, so that it can be driven through the same
 * sequences (forwards, backwards, zig-zag) as the domain function. The key's expiry is taken out: it follows
 * real time, which this test does not move. Expiry is checked on its own in test/contracts/redis.test.ts.
 */
const PEXPIRE = "redis.call('PEXPIRE'";
const scriptAtTime = `local now = tonumber(table.remove(ARGV))\n${TAKE_TOKEN_BODY.replace(PEXPIRE, `-- ${PEXPIRE}`)}`;

it('makes the same decisions as the domain takeToken, step for step, whichever way the clock moves', async () => {
  expect(TAKE_TOKEN_BODY).toContain(PEXPIRE);
  const FIVE_MIN = 5 * 60_000;
  const policy = fc.record({ capacity: fc.integer({ min: 1, max: 50 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
  // 'wait' waits exactly the last retryAfterMs: where float refill lands a hair under a whole token.
  const step = fc.oneof(fc.nat(20_000), fc.integer({ min: -FIVE_MIN, max: FIVE_MIN }), fc.double({ min: 0, max: 5_000, noNaN: true }), fc.constant('wait' as const));
  const deltas = fc.array(step, { minLength: 1, maxLength: 40 });
  let run = 0;
  await fc.assert(
    fc.asyncProperty(policy, fc.integer({ min: 0, max: 2_000_000_000_000 }), deltas, async (p, start, steps) => {
      const key = `${prefix}diff:${++run}`;
      let now = start;
      let state: BucketState | undefined;
      let retryAfterMs = 0;
      for (const delta of steps) {
        now += delta === 'wait' ? retryAfterMs : delta;
        const expected = takeToken(p, state ?? fullBucket(p, now), now);
        ({ state, retryAfterMs } = expected);
        const reply = await first.eval(scriptAtTime, 1, key, p.capacity, p.windowMs, 1, now);
        const allowed = expected.allowed ? 1 : 0;
        expect(reply).toEqual([allowed, allowed, expected.remaining, expected.retryAfterMs, expected.resetMs]);
        const [tokens, at] = await first.hmget(key, 'tokens', 'at');
        expect([Number(tokens), Number(at)]).toEqual([state.tokens, state.updatedAt]);
      }
      await first.del(key);
    }),
    { numRuns: 60, examples: [[{ capacity: 3, windowMs: 58 }, 0, [0, 0, 0, 0, 'wait', 0, 'wait', 0, 'wait']]] },
  );
});

it('makes the same all-or-nothing decisions as the domain takeFromAll for several buckets and costs of N', async () => {
  const bucket = fc.record({ capacity: fc.integer({ min: 1, max: 100_000 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
  const step = fc.tuple(fc.integer({ min: -60_000, max: 60_000 }), fc.array(fc.double({ min: 0, max: 1.1, noNaN: true }), { minLength: 3, maxLength: 3 }));
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(bucket, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.array(step, { minLength: 1, maxLength: 15 }), async (policies, start, steps) => {
      const keys = policies.map((_, i) => `${prefix}multi:{${++run}}:${i}`);
      let now = start;
      let states: (BucketState | undefined)[] = policies.map(() => undefined);
      for (const [dt, shares] of steps) {
        now += dt;
        const costs = policies.map((p, i) => Math.round((shares[i] ?? 0) * p.capacity));
        const expected = takeFromAll(policies.map((p, i) => ({ policy: p, state: states[i] ?? fullBucket(p, now), cost: costs[i] ?? 0 })), now);
        states = expected.decisions.map((d) => d.state);
        const args = policies.flatMap((p, i) => [p.capacity, p.windowMs, costs[i] ?? 0]);
        const reply = await first.eval(scriptAtTime, keys.length, ...keys, ...args, now);
        expect(reply).toEqual([expected.allowed ? 1 : 0, ...expected.decisions.flatMap((d) => [d.allowed ? 1 : 0, d.remaining, d.retryAfterMs, d.resetMs])]);
      }
      await first.del(...keys);
    }),
    { numRuns: 40 },
  );
});

it('gives back as the domain giveBackTokens does, between takes, whichever way the clock moves', async () => {
  expect(GIVE_BACK_BODY).toContain(PEXPIRE);
  const giveAtTime = `local now = tonumber(table.remove(ARGV))\n${GIVE_BACK_BODY.replace(PEXPIRE, `-- ${PEXPIRE}`)}`;
  const policy = fc.record({ capacity: fc.integer({ min: 1, max: 1_000 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
  const step = fc.record({ dt: fc.integer({ min: -60_000, max: 60_000 }), give: fc.boolean(), share: fc.double({ min: 0, max: 1.5, noNaN: true }) });
  let run = 0;
  await fc.assert(
    fc.asyncProperty(policy, fc.integer({ min: 0, max: 2_000_000_000_000 }), fc.array(step, { minLength: 1, maxLength: 20 }), async (p, start, steps) => {
      const key = `${prefix}give:${++run}`;
      let now = start;
      let state: BucketState | undefined;
      for (const { dt, give, share } of steps) {
        now += dt;
        const n = Math.round(share * p.capacity);
        if (give) {
          const changed = await first.eval(giveAtTime, 1, key, p.capacity, p.windowMs, n, now);
          // A bucket never taken from is missing, which reads as full: nothing to give back to.
          expect(changed).toBe(state === undefined ? 0 : 1);
          if (state !== undefined) state = giveBackTokens(p, state, now, n);
        } else {
          state = takeTokens(p, state ?? fullBucket(p, now), now, n).state;
          await first.eval(scriptAtTime, 1, key, p.capacity, p.windowMs, n, now);
        }
        if (state === undefined) continue;
        const [tokens, at] = await first.hmget(key, 'tokens', 'at');
        expect([Number(tokens), Number(at)]).toEqual([state.tokens, state.updatedAt]);
        expect(state.tokens).toBeLessThanOrEqual(p.capacity);
      }
      await first.del(key);
    }),
    { numRuns: 40 },
  );
});

it('gives back through Redis, so every process sees the tokens again', async () => {
  const keyPrefix = `${prefix}give-shared:`;
  const [a, b] = [limiterOver(first, keyPrefix), limiterOver(second, keyPrefix)];
  const policy = { limit: 10, windowMs: 3_600_000 };
  expect(await a.take('client', policy, 10)).toMatchObject({ allowed: true, remaining: 0 });
  await a.giveBack('client', policy, 4);
  expect(await b.take('client', policy, 4)).toMatchObject({ allowed: true, remaining: 0 });
  expect((await b.take('client', policy, 1)).allowed).toBe(false);
});

it('takes N from the shared bucket exactly across two processes', async () => {
  const keyPrefix = `${prefix}exact-n:`;
  const limiters = [limiterOver(first, keyPrefix), limiterOver(second, keyPrefix)] as const;
  const tpm = { limit: 1_000, windowMs: 60_000 };
  const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? limiters[0] : limiters[1]).take('key', tpm, 70)));
  // 14 × 70 = 980 fit in 1,000; a 15th would not.
  expect(decisions.filter((d) => d.allowed)).toHaveLength(14);
});

it('answers a server that has never seen the script (NOSCRIPT) by sending it whole', async () => {
  // SCRIPT FLUSH would reach every user of the shared server: the reply is simulated here; redis-faults.test.ts
  // meets a real one on a restarted server.
  const limiter = limiterOver(first, `${prefix}noscript:`);
  const evalsha = jest.spyOn(first, 'evalsha').mockRejectedValueOnce(new Error('NOSCRIPT No matching script. Please use EVAL.'));
  const evalWhole = jest.spyOn(first, 'eval');
  try {
    await expect(limiter.take('client', { limit: 2, windowMs: 1_000 })).resolves.toMatchObject({ allowed: true, remaining: 1 });
    expect(evalsha).toHaveBeenCalledTimes(1);
    expect(evalWhole).toHaveBeenCalledTimes(1);
  } finally {
    evalsha.mockRestore();
    evalWhole.mockRestore();
  }
});
