import type { Redis } from 'ioredis';
import type { CacheStore } from '../../ports/cache-store';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { SystemClock } from '../system/system-clock';
import { DEFAULT_PROBE_INTERVAL_MS, RedisAvailability } from './redis-availability';

export interface RedisCacheStoreSettings {
  /** From `createRedisClient`, so that commands fail at once while disconnected and time out quickly when slow. */
  readonly redis: Redis;
  /** Put before every key, so that several stores and environments can share one Redis. */
  readonly keyPrefix: string;
  readonly logger: Logger;
  readonly metrics: MetricsSink;
  /** Times the wait between probes of an unavailable Redis. */
  readonly clock?: Clock;
  readonly probeIntervalMs?: number;
}

/** Every entry expires, so that a `volatile-*` eviction policy can reach all of them. */
const MAX_TTL_MS = 365 * 24 * 60 * 60_000;

/**
 * A cache shared by every instance. Redis is an optimisation here: while it is down or slow the cache is
 * bypassed — `get` misses, `set` and `del` do nothing — within the client's command timeout, and the change of
 * state is logged once. Size is bounded by the server's `maxmemory` and eviction policy, not per prefix.
 */
export class RedisCacheStore implements CacheStore {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly availability: RedisAvailability;

  constructor(settings: RedisCacheStoreSettings) {
    this.redis = settings.redis;
    this.keyPrefix = settings.keyPrefix;
    this.availability = new RedisAvailability({
      component: 'RedisCacheStore',
      meanwhile: 'cache bypassed',
      logger: settings.logger,
      metrics: settings.metrics,
      clock: settings.clock ?? new SystemClock(),
      probeIntervalMs: settings.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    });
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.attempt(() => this.redis.get(this.keyPrefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const ms = Math.min(Math.ceil(ttlMs), MAX_TTL_MS);
    // Redis refuses a zero expiry; an entry that expires at once is one that is gone.
    if (!(ms > 0)) return this.del(key);
    await this.attempt(() => this.redis.set(this.keyPrefix + key, value, 'PX', ms));
  }

  async del(key: string): Promise<void> {
    await this.attempt(() => this.redis.del(this.keyPrefix + key));
  }

  /** Any failure, a reply error included, means the cache is skipped: a cache must never fail the request. */
  private async attempt<T>(command: () => Promise<T>): Promise<T | undefined> {
    if (!this.availability.shouldAttempt(this.redis.status)) return undefined;
    try {
      const result = await command();
      this.availability.succeeded();
      return result;
    } catch (error) {
      this.availability.failed(error);
      return undefined;
    }
  }
}
