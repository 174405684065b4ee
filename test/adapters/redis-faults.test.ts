import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { InMemoryRateLimiter } from '../../src/adapters/memory/in-memory-rate-limiter';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import { RedisCacheStore } from '../../src/adapters/redis/redis-cache-store';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { LogFields, Logger } from '../../src/ports/logger';
import { startRedisServer, whenReady, type RedisServer } from '../support/redis-server';

/*
 * FAULTS.md #11 on a redis-server of this file's own (the shared one is never stopped): killed mid-run,
 * restarted on the same port, and 2 s of latency (DEBUG SLEEP from a second connection).
 */

const COMMAND_TIMEOUT_MS = 100;
/** What "answering fast" means: the command timeout plus room for a loaded test machine. */
const FAST_MS = 150;
const CLIENT_OPTIONS = { commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 500, maxReconnectDelayMs: 200 };
/** After a timeout, calls skip Redis this long before one probes it again (the adapters' default). */
const PROBE_INTERVAL_MS = 500;

let server: RedisServer | undefined;
const clients: Redis[] = [];
beforeAll(async () => {
  server = await startRedisServer();
}, 15_000);
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(async () => {
  await server?.stop();
});

function running(): RedisServer {
  if (!server) throw new Error('redis-server did not start');
  return server;
}

async function connect(): Promise<Redis> {
  const client = createRedisClient(running().url, CLIENT_OPTIONS);
  clients.push(client);
  await whenReady(client);
  return client;
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'debug', message, fields });
  info = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'info', message, fields });
  warn = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'warn', message, fields });
  error = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'error', message, fields });

  changes(component: string, to: 'up' | 'down'): number {
    return this.lines.filter((l) => l.fields.component === component && l.fields.redis === to && l.level !== 'debug').length;
  }
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `call`, failing the test if it throws; returns its result and how long it took. */
async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function cacheOver(redis: Redis, logger: Logger, metrics = new InMemoryMetricsSink()) {
  return new RedisCacheStore({ redis, keyPrefix: 'faults:cache:', logger, metrics, probeIntervalMs: PROBE_INTERVAL_MS });
}

function limiterOver(redis: Redis, logger: Logger) {
  const fallback = new InMemoryRateLimiter(new SystemClock());
  return new RedisRateLimiter({ redis, keyPrefix: 'faults:rl:', fallback, logger, metrics: new InMemoryMetricsSink(), probeIntervalMs: PROBE_INTERVAL_MS });
}

it('bypasses the cache fast with one log line when Redis is killed mid-run, and uses it again once it is back', async () => {
  const logger = new RecordingLogger();
  const metrics = new InMemoryMetricsSink();
  const cache = cacheOver(await connect(), logger, metrics);
  await cache.set('k', 'v', 60_000);
  await expect(cache.get('k')).resolves.toBe('v');

  const durations: number[] = [];
  const afterDeath: (string | undefined)[] = [];
  let killing: Promise<void> | undefined;
  let dead = false;
  for (let request = 0; request < 50; request++) {
    // Not awaited: requests keep coming while the server dies.
    if (request === 10) killing = running().kill().then(() => void (dead = true));
    const wasDead = dead;
    const read = await timed(() => cache.get('k'));
    const write = await timed(() => cache.set(`k${request}`, 'v', 60_000));
    durations.push(read.ms, write.ms);
    if (wasDead) afterDeath.push(read.value);
    await sleep(2);
  }
  await killing;
  expect(Math.max(...durations)).toBeLessThan(FAST_MS);
  expect(afterDeath.length).toBeGreaterThan(10);
  expect(afterDeath.every((value) => value === undefined)).toBe(true);
  expect(logger.changes('RedisCacheStore', 'down')).toBe(1);
  expect(logger.changes('RedisCacheStore', 'up')).toBe(0);

  await running().restart();
  await eventually(async () => {
    await cache.set('back', 'yes', 60_000);
    return (await cache.get('back')) === 'yes';
  });
  expect(logger.changes('RedisCacheStore', 'down')).toBe(1);
  expect(logger.changes('RedisCacheStore', 'up')).toBe(1);
  const down = logger.lines.find((l) => l.fields.redis === 'down');
  expect(down).toMatchObject({ level: 'warn', message: 'Redis unavailable; cache bypassed' });
  // One data point per change of state, however many requests ran meanwhile.
  const availability = metrics.recorded().filter((m) => m.name === 'DependencyAvailable');
  expect(availability.map((m) => [m.value, m.dimensions])).toEqual([
    [0, { dependency: 'redis', component: 'RedisCacheStore' }],
    [1, { dependency: 'redis', component: 'RedisCacheStore' }],
  ]);
});

it('answers within the command timeout while Redis takes 2 s per command, then recovers', async () => {
  const logger = new RecordingLogger();
  const redis = await connect();
  const cache = cacheOver(redis, logger);
  const limiter = limiterOver(redis, logger);
  await cache.set('slow', 'v', 60_000);
  const admin = new Redis(running().url, { lazyConnect: true });
  await admin.connect();
  try {
    const sleeping = admin.call('DEBUG', 'SLEEP', '2');
    const asleepUntil = performance.now() + 2_000;
    await sleep(50);
    const durations: number[] = [];
    // Requests stop early enough to end, at most FAST_MS later, while Redis still sleeps.
    while (performance.now() < asleepUntil - 500) {
      const read = await timed(() => cache.get('slow'));
      expect(read.value).toBeUndefined();
      const take = await timed(() => limiter.take('client', { limit: 100, windowMs: 60_000 }));
      expect(take.value.allowed).toBe(true);
      durations.push(read.ms, take.ms);
      await sleep(10);
    }
    expect(Math.max(...durations)).toBeLessThan(FAST_MS);
    // Only the first call and one probe per interval wait out the timeout; the others skip Redis at once.
    const waited = durations.filter((ms) => ms >= COMMAND_TIMEOUT_MS * 0.9).length;
    expect(waited).toBeLessThan(durations.length / 2);
    expect(logger.changes('RedisCacheStore', 'down')).toBe(1);
    expect(logger.changes('RedisRateLimiter', 'down')).toBe(1);
    await sleeping;
  } finally {
    admin.disconnect();
  }
  await eventually(async () => (await cache.get('slow')) === 'v');
  expect(logger.changes('RedisCacheStore', 'up')).toBe(1);
});

it('limits each instance on its own while Redis is down, and shares the limit again once it is back', async () => {
  const logger = new RecordingLogger();
  const instances = [limiterOver(await connect(), logger), limiterOver(await connect(), logger)] as const;
  const policy = { limit: 5, windowMs: 60_000 };
  const allowedOf = async (key: string, takesPerInstance: number) => {
    let allowed = 0;
    for (let i = 0; i < takesPerInstance; i++) {
      for (const limiter of instances) {
        const take = await timed(() => limiter.take(key, policy));
        expect(take.ms).toBeLessThan(FAST_MS);
        if (take.value.allowed) allowed++;
      }
    }
    return allowed;
  };
  expect(await allowedOf('before', 10)).toBe(5);

  await running().kill();
  // The documented fallback: N instances allow N × limit between them.
  expect(await allowedOf('during', 10)).toBe(2 * policy.limit);
  expect(logger.changes('RedisRateLimiter', 'down')).toBe(2);
  // A give-back meanwhile goes where the takes went: to each instance's own buckets.
  await instances[0].giveBack('during', policy, 2);
  expect((await instances[0].take('during', policy, 2)).allowed).toBe(true);
  expect((await instances[1].take('during', policy)).allowed).toBe(false);

  await running().restart();
  // A restarted server has no scripts loaded: the limiter must get past NOSCRIPT on its own.
  await eventually(async () => {
    for (const limiter of instances) await limiter.take('probe', { limit: 1_000, windowMs: 1_000 });
    return logger.changes('RedisRateLimiter', 'up') === 2;
  });
  expect(await allowedOf('after', 10)).toBe(5);
  expect(logger.changes('RedisRateLimiter', 'down')).toBe(2);
});

it('stays quiet while a cold client connects, and logs once when Redis is not there at start', async () => {
  const logger = new RecordingLogger();
  const warming = createRedisClient(running().url, CLIENT_OPTIONS);
  clients.push(warming);
  const cache = cacheOver(warming, logger);
  // Before the connection is ready the cache is skipped, which is not an outage.
  await expect(cache.get('cold')).resolves.toBeUndefined();
  await whenReady(warming);
  await cache.set('cold', 'v', 60_000);
  await expect(cache.get('cold')).resolves.toBe('v');
  expect(logger.lines.filter((l) => l.level !== 'debug')).toEqual([]);

  // Port 1 refuses connections: the client never becomes ready.
  const nowhere = createRedisClient('redis://127.0.0.1:1', CLIENT_OPTIONS);
  clients.push(nowhere);
  const orphan = cacheOver(nowhere, logger);
  for (let i = 0; i < 20; i++) {
    const read = await timed(() => orphan.get('k'));
    expect(read).toMatchObject({ value: undefined });
    expect(read.ms).toBeLessThan(FAST_MS);
    await sleep(10);
  }
  expect(logger.changes('RedisCacheStore', 'down')).toBe(1);
});
