import fc from 'fast-check';
import { createRedisClient, reconnectDelayMs, REDIS_CLIENT_DEFAULTS } from '../../src/adapters/redis/redis-client';

it('reconnects after a jittered delay that grows from 50 ms and never exceeds the cap', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 10, max: 60_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, cap, r) => {
      const delay = reconnectDelayMs(attempt, cap, () => r);
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThanOrEqual(Math.max(10, Math.min(cap, 50 * 2 ** (attempt - 1))));
      expect(Number.isFinite(delay)).toBe(true);
    }),
  );
});

it('makes a client that fails fast while disconnected, times commands out, and never resends them', async () => {
  // Port 1 refuses at once: the client is never ready, which is the point.
  const redis = createRedisClient('redis://127.0.0.1:1', { connectionName: 'cs-test' });
  try {
    expect(redis.options).toMatchObject({
      commandTimeout: REDIS_CLIENT_DEFAULTS.commandTimeoutMs,
      connectTimeout: REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectionName: 'cs-test',
    });
    const started = Date.now();
    await expect(redis.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(50);
  } finally {
    redis.disconnect();
  }
});
