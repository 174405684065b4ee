import type { RedisStatus } from 'ioredis';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Metric, MetricsSink } from '../../ports/metrics-sink';

export interface RedisAvailabilitySettings {
  /** The adapter, named in log lines. */
  readonly component: string;
  /** What the adapter does while Redis is unavailable, for the log line. */
  readonly meanwhile: string;
  readonly logger: Logger;
  readonly metrics: MetricsSink;
  readonly clock: Clock;
  /** After a failed command, how long calls skip Redis before one call probes it again. */
  readonly probeIntervalMs: number;
}

export const DEFAULT_PROBE_INTERVAL_MS = 500;

/** Statuses of a client that has not connected yet: at a cold start they are not an outage. */
const STARTING: ReadonlySet<RedisStatus> = new Set(['wait', 'connecting', 'connect']);

/**
 * Whether an adapter should talk to Redis, and the one log line per change of availability (not per request).
 *
 * A disconnected client is skipped without a round trip. A slow Redis is found by a command timing out; after
 * that, calls skip Redis for `probeIntervalMs` and then a single call probes it, so that a Redis answering in
 * 2 s costs one request per interval a timeout instead of every request.
 */
export class RedisAvailability {
  private state: 'starting' | 'up' | 'down' = 'starting';
  private nextProbeAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly settings: RedisAvailabilitySettings) {}

  /** False: use the fallback now. True: send the command, then report `succeeded` or `failed`. */
  shouldAttempt(status: RedisStatus): boolean {
    if (status !== 'ready') {
      if (!(this.state === 'starting' && STARTING.has(status))) this.markDown(`connection ${status}`);
      return false;
    }
    if (this.state !== 'down') return true;
    const now = this.settings.clock.monotonicMs();
    if (now < this.nextProbeAt) return false;
    // Concurrent calls keep bypassing while this one finds out.
    this.nextProbeAt = now + this.settings.probeIntervalMs;
    return true;
  }

  succeeded(): void {
    if (this.state === 'up') return;
    const recovered = this.state === 'down';
    this.state = 'up';
    const { component, logger, metrics } = this.settings;
    if (!recovered) {
      logger.debug('Redis connected', { component, redis: 'up' });
      return;
    }
    logger.info('Redis available again', { component, redis: 'up' });
    metrics.record(availabilityMetric(component, true));
  }

  failed(error: unknown): void {
    this.nextProbeAt = this.settings.clock.monotonicMs() + this.settings.probeIntervalMs;
    this.markDown(error instanceof Error ? error.message.slice(0, 200) : 'unknown failure');
  }

  private markDown(reason: string): void {
    if (this.state === 'down') return;
    this.state = 'down';
    const { component, meanwhile, logger, metrics } = this.settings;
    logger.warn(`Redis unavailable; ${meanwhile}`, { component, redis: 'down', reason });
    metrics.record(availabilityMetric(component, false));
  }
}

/**
 * Its own metric, not CacheHit (which would read an outage as misses and skew the hit ratio); an alarm on its
 * minimum catches an outage that no request has yet reported as a 5xx, because none does.
 */
function availabilityMetric(component: string, up: boolean): readonly Metric[] {
  return [{ name: 'DependencyAvailable', value: up ? 1 : 0, unit: 'Count', dimensions: { dependency: 'redis', component } }];
}
