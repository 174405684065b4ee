import type { Container } from 'inversify';
import type { Redis } from 'ioredis';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { InMemoryCacheStore } from '../../adapters/memory/in-memory-cache-store';
import { InMemoryRateLimiter } from '../../adapters/memory/in-memory-rate-limiter';
import { createRedisClient } from '../../adapters/redis/redis-client';
import { RedisCacheStore } from '../../adapters/redis/redis-cache-store';
import { RedisRateLimiter } from '../../adapters/redis/redis-rate-limiter';
import { TOKENS as T } from './tokens';

/**
 * The one Redis connection of a process, bound as `T.Redis` for every Redis adapter to share; `client` is
 * undefined when no REDIS_URL is configured, and each adapter then falls back to its in-process twin.
 */
export interface RedisHandle {
  readonly client: Redis | undefined;
  /** Every key this deployment writes starts with it, e.g. `cs:prod:`; adapters add their own part (`cache:`, `rl:`). */
  readonly keyPrefix: string;
  /** Closes the connection (a no-op without Redis). */
  close(): Promise<void>;
}

export interface CacheAndLimitsInput {
  readonly redisUrl: string | undefined;
  /** `local`, `dev`, `staging`, `prod`: deployments sharing one Redis never see each other's keys. */
  readonly environment: string;
  /** Overrides `cs:<environment>:`, e.g. for two deployments of one environment sharing a Redis, or a test run. */
  readonly keyPrefix?: string | undefined;
  /** How long a command may take before Redis counts as down (REDIS_COMMAND_TIMEOUT_MS). */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly metrics: MetricsSink;
  readonly clock: Clock;
}

/** Binds `T.Redis`, `T.CacheStore` and `T.RateLimiter`: Redis-backed when configured, in-process otherwise. */
export function bindCacheAndLimits(c: Container, input: CacheAndLimitsInput): RedisHandle {
  const { logger, metrics, clock } = input;
  const keyPrefix = input.keyPrefix ?? `cs:${input.environment}:`;
  const local = new InMemoryRateLimiter(clock);
  const client = input.redisUrl === undefined ? undefined : createRedisClient(input.redisUrl, { commandTimeoutMs: input.commandTimeoutMs, connectionName: `cloud-sayings-${input.environment}` });
  const handle: RedisHandle = {
    client,
    keyPrefix,
    close: async () => {
      if (client === undefined || client.status === 'end') return;
      await client.quit().catch(() => client.disconnect());
    },
  };
  c.bind(T.Redis).toConstantValue(handle);
  if (client === undefined) {
    c.bind(T.CacheStore).toConstantValue(new InMemoryCacheStore(clock));
    c.bind(T.RateLimiter).toConstantValue(local);
  } else {
    c.bind(T.CacheStore).toConstantValue(new RedisCacheStore({ redis: client, keyPrefix: `${keyPrefix}cache:`, logger, metrics }));
    c.bind(T.RateLimiter).toConstantValue(new RedisRateLimiter({ redis: client, keyPrefix: `${keyPrefix}rl:`, fallback: local, logger, metrics }));
  }
  return handle;
}
