import type { Redis } from 'ioredis';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { RateLimiterError, type RateDecision, type RateDecisions, type RateLimiter, type RatePolicy, type RateTake } from '../../ports/rate-limiter';
import { SystemClock } from '../system/system-clock';
import { DEFAULT_PROBE_INTERVAL_MS, RedisAvailability } from './redis-availability';
import { GIVE_BACK_LUA, GIVE_BACK_SHA, TAKE_TOKEN_LUA, TAKE_TOKEN_SHA } from './take-token-script';

export interface RedisRateLimiterSettings {
  /** From `createRedisClient`, so that commands fail at once while disconnected and time out quickly when slow. */
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Decides while Redis is unavailable: an in-process limiter (InMemoryRateLimiter). */
  readonly fallback: RateLimiter;
  readonly logger: Logger;
  readonly metrics: MetricsSink;
  /** Times the wait between probes of an unavailable Redis; the buckets use Redis's clock. */
  readonly clock?: Clock;
  readonly probeIntervalMs?: number;
}

/**
 * Token buckets shared by every instance, with the same semantics as InMemoryRateLimiter: each take runs one
 * Lua script that refills by Redis's own clock and takes a token atomically, so concurrent instances can never
 * take the same token and a skewed instance clock grants nothing extra. Idle buckets expire.
 *
 * While Redis is down or slower than the command timeout, `fallback` decides instead, and the change of state is
 * logged once. During an outage each instance enforces the limit on its own, so the fleet-wide allowance is
 * N × limit for N instances; tokens taken locally are not charged to Redis afterwards. A take that timed out may
 * still have been counted by Redis. Limits keep applying throughout; they are only looser.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly fallback: RateLimiter;
  private readonly availability: RedisAvailability;

  constructor(settings: RedisRateLimiterSettings) {
    this.redis = settings.redis;
    this.keyPrefix = settings.keyPrefix;
    this.fallback = settings.fallback;
    this.availability = new RedisAvailability({
      component: 'RedisRateLimiter',
      meanwhile: 'rate limits enforced per instance',
      logger: settings.logger,
      metrics: settings.metrics,
      clock: settings.clock ?? new SystemClock(),
      probeIntervalMs: settings.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    });
  }

  async take(key: string, policy: RatePolicy, tokens = 1): Promise<RateDecision> {
    const { decisions } = await this.takeAll([{ key, policy, tokens }]);
    const [decision] = decisions;
    if (!decision) throw new RateLimiterError('one take gives one decision');
    return decision;
  }

  /** One script call for every bucket, so a request's RPM and TPM cost one round trip and are taken together. */
  takeAll(takes: readonly RateTake[]): Promise<RateDecisions> {
    const keys = takes.map((t) => this.keyPrefix + t.key);
    const args = takes.flatMap((t) => [t.policy.limit, t.policy.windowMs, t.tokens]);
    return this.onRedisOr(
      async () => toDecisions(await this.runScript(TAKE_TOKEN_SHA, TAKE_TOKEN_LUA, keys, args), takes),
      () => this.fallback.takeAll(takes),
    );
  }

  /** One script call; while Redis is unavailable the fallback gets the tokens (ADR 0019: it errs towards charging). */
  giveBack(key: string, policy: RatePolicy, tokens: number): Promise<void> {
    return this.onRedisOr(
      async () => void (await this.runScript(GIVE_BACK_SHA, GIVE_BACK_LUA, [this.keyPrefix + key], [policy.limit, policy.windowMs, tokens])),
      () => this.fallback.giveBack(key, policy, tokens),
    );
  }

  /** `onRedis` while Redis is available; `fallback` while it is not, and instead of any call that fails. */
  private async onRedisOr<T>(onRedis: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!this.availability.shouldAttempt(this.redis.status)) return fallback();
    let result: T;
    try {
      result = await onRedis();
    } catch (error) {
      this.availability.failed(error);
      return fallback();
    }
    this.availability.succeeded();
    return result;
  }

  /** EVALSHA sends 40 bytes instead of the script; a server that has not seen it yet (or restarted) gets EVAL. */
  private async runScript(sha: string, lua: string, keys: readonly string[], args: readonly number[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.redis.eval(lua, keys.length, ...keys, ...args);
    }
  }
}

function toDecisions(reply: unknown, takes: readonly RateTake[]): RateDecisions {
  const values = Array.isArray(reply) ? (reply as readonly unknown[]) : [];
  if (values.length !== 1 + 4 * takes.length || !values.every((v) => typeof v === 'number')) {
    throw new RateLimiterError('The token-bucket script gave an unexpected reply');
  }
  const n = values as readonly number[];
  const decisions = takes.map((t, i): RateDecision => ({
    allowed: n[1 + 4 * i] === 1,
    limit: t.policy.limit,
    remaining: n[2 + 4 * i] ?? 0,
    retryAfterMs: n[3 + 4 * i] ?? 0,
    resetMs: n[4 + 4 * i] ?? 0,
  }));
  return { allowed: n[0] === 1, decisions };
}
