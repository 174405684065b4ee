import { normalizeText, type Saying } from '../../domain/sayings/saying';
import type { Clock } from '../../ports/clock';
import type { SayingRepo } from '../../ports/saying-repo';

interface Snapshot {
  readonly sayings: readonly Saying[];
  readonly normalized: ReadonlySet<string>;
  readonly loadedAt: number;
}

/**
 * The collection, read once and kept for a TTL (seed 001 caches lookups for 5 minutes): the hot path
 * never waits on storage, and concurrent first readers share one load.
 */
export class CollectionCache {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;

  constructor(
    private readonly repo: SayingRepo,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(): Promise<Snapshot> {
    const current = this.snapshot;
    if (current && this.clock.monotonicMs() - current.loadedAt < this.ttlMs) return current;
    // A stale snapshot keeps serving while one refresh runs in the background.
    if (current) {
      void this.load().catch(() => undefined);
      return current;
    }
    return this.load();
  }

  private load(): Promise<Snapshot> {
    this.loading ??= this.repo
      .listCollection()
      .then((sayings) => {
        const snapshot = { sayings, normalized: new Set(sayings.map((s) => normalizeText(s.text))), loadedAt: this.clock.monotonicMs() };
        this.snapshot = snapshot;
        return snapshot;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
