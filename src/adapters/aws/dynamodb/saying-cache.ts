import type { Saying } from '../../../domain/sayings/saying';
import type { Clock } from '../../../ports/clock';

export interface SayingCacheSettings {
  readonly clock: Clock;
  /** Seed 001 caches single-item lookups for five minutes. */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}

export const DEFAULT_SAYING_CACHE_TTL_MS = 5 * 60_000;

/**
 * Sayings this process read recently, by id. A hit may carry counters up to `ttlMs` old — text, service and
 * origin never change, and no caller takes counts from `get` (a vote answers with counts read strongly
 * consistently). Share one instance between the saying repo and the feedback repo so this process's own
 * votes refresh the entry. Misses are not cached: a saying another instance stores must be found at once.
 */
export class SayingCache {
  private readonly entries = new Map<string, { readonly saying: Saying; readonly expiresAt: number }>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(settings: SayingCacheSettings) {
    this.clock = settings.clock;
    this.ttlMs = settings.ttlMs ?? DEFAULT_SAYING_CACHE_TTL_MS;
    this.maxEntries = settings.maxEntries ?? 10_000;
  }

  get(id: string): Saying | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock.monotonicMs()) return entry.saying;
    this.entries.delete(id);
    return undefined;
  }

  set(saying: Saying): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(saying.id);
    // Maps iterate in insertion order, so the first key is the entry written longest ago.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(saying.id, { saying, expiresAt: this.clock.monotonicMs() + this.ttlMs });
  }

  /**
   * Moves a cached saying's counters forward without extending its life. Counters only grow, so the larger
   * value is the newer one even when concurrent votes' answers arrive out of order.
   */
  refreshCounts(id: string, counts: { readonly upvotes: number; readonly downvotes: number }): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const upvotes = Math.max(entry.saying.upvotes, counts.upvotes);
    const downvotes = Math.max(entry.saying.downvotes, counts.downvotes);
    this.entries.set(id, { saying: { ...entry.saying, upvotes, downvotes }, expiresAt: entry.expiresAt });
  }
}
