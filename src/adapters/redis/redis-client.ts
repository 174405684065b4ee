import { Redis } from 'ioredis';
import { backoffDelay } from '../../domain/limits/backoff';

export interface RedisClientOptions {
  /** How long one command may take before the adapter gives up on it and bypasses Redis. */
  readonly commandTimeoutMs?: number;
  /** How long one (re)connection attempt may take, so that an unreachable host is noticed quickly. */
  readonly connectTimeoutMs?: number;
  /** The longest wait between reconnection attempts. */
  readonly maxReconnectDelayMs?: number;
  /** Shown by `CLIENT LIST`, to tell instances apart. */
  readonly connectionName?: string;
}

export const REDIS_CLIENT_DEFAULTS = {
  commandTimeoutMs: 100,
  connectTimeoutMs: 1_000,
  maxReconnectDelayMs: 2_000,
} as const;

const FIRST_RECONNECT_DELAY_MS = 50;
/** Full jitter can draw zero; a floor keeps a refused connection from spinning. */
const MIN_RECONNECT_DELAY_MS = 10;

/** ioredis counts reconnection attempts from 1. */
export function reconnectDelayMs(attempt: number, maxDelayMs: number, random: () => number): number {
  const delay = backoffDelay({ baseMs: FIRST_RECONNECT_DELAY_MS, capMs: maxDelayMs }, attempt - 1, undefined, random);
  return Math.max(MIN_RECONNECT_DELAY_MS, delay);
}

/**
 * A client for the Redis adapters: Redis is an optimisation there, never a dependency a request waits on.
 * Commands fail at once while disconnected (no offline queue), time out after `commandTimeoutMs` when Redis is
 * slow, are never resent after a reconnect (a late rate-limit take or cache write is worse than none), and the
 * client reconnects forever with capped, jittered backoff.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const settings = { ...REDIS_CLIENT_DEFAULTS, ...options };
  const redis = new Redis(url, {
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, settings.maxReconnectDelayMs, Math.random),
    ...(settings.connectionName === undefined ? {} : { connectionName: settings.connectionName }),
  });
  // The adapters log availability once per change; without a listener ioredis prints every failed reconnect.
  redis.on('error', () => undefined);
  return redis;
}
