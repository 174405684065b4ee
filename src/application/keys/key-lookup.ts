import type { ApiKeyRepo, FoundKey } from '../../ports/api-key-repo';
import type { Clock } from '../../ports/clock';
import type { Hasher } from '../../ports/hasher';

export interface KeyLookupSettings {
  /**
   * How long this process trusts what it read about a key (0: not at all). It bounds how long a revocation
   * made elsewhere takes to reach this process: at most this plus one lookup (ADR 0012).
   */
  readonly ttlMs: number;
  /** Entries kept at most; the oldest go first. */
  readonly maxEntries: number;
}

interface Entry {
  readonly found: FoundKey | undefined;
  readonly readAt: number;
}

/**
 * Key lookups by hash, cached per process for a short TTL so that the gateway does not read the store on
 * every request. Unknown hashes are cached too (a client retrying a revoked key costs one read per TTL).
 * Concurrent misses for one hash share one read. Entries are keyed by hash, never by the key itself.
 */
export class KeyLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<FoundKey | undefined>>();
  /** Bumped by `forget`, so a read that started before it cannot put back what it removed. */
  private generation = 0;

  constructor(
    private readonly repo: ApiKeyRepo,
    private readonly hasher: Hasher,
    private readonly clock: Clock,
    private readonly settings: KeyLookupSettings,
  ) {}

  /** The secret and record behind a well-formed key (callers check the format and checksum first). */
  find(presentedKey: string): Promise<FoundKey | undefined> {
    const hash = this.hasher.sha256Hex(presentedKey);
    const cached = this.entries.get(hash);
    if (cached && this.clock.monotonicMs() - cached.readAt < this.settings.ttlMs) return Promise.resolve(cached.found);
    const pending = this.inFlight.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    const reading = this.repo
      .findBySecretHash(hash)
      .then((found) => {
        if (generation === this.generation) this.remember(hash, found);
        return found;
      })
      .finally(() => {
        if (this.inFlight.get(hash) === reading) this.inFlight.delete(hash);
      });
    this.inFlight.set(hash, reading);
    return reading;
  }

  /** Drops what this process knows of a key, after this process changed it (revoked, rotated). */
  forget(keyId: string): void {
    this.generation++;
    for (const [hash, entry] of this.entries) if (entry.found?.record.id === keyId) this.entries.delete(hash);
    this.inFlight.clear();
  }

  private remember(hash: string, found: FoundKey | undefined): void {
    if (this.settings.ttlMs <= 0) return;
    this.entries.delete(hash);
    this.entries.set(hash, { found, readAt: this.clock.monotonicMs() });
    if (this.entries.size > this.settings.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
