import type { CacheStore } from '../../src/ports/cache-store';
import { ManualClock } from './support';

export interface CacheEnv {
  /** The clock the store must read time from; the suite moves it. */
  readonly clock: ManualClock;
  /** The size bound the store must enforce. */
  readonly maxEntries: number;
}

/** The CacheStore contract. */
export function cacheStoreContract(name: string, make: (env: CacheEnv) => Promise<{ cache: CacheStore; close(): Promise<void> }>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let clock: ManualClock;
    let cache: CacheStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      clock = new ManualClock();
      ({ cache, close } = await make({ clock, maxEntries: 3 }));
    });
    afterEach(() => close());

    it('gets what was set, overwrites, and forgets what was deleted', async () => {
      await expect(cache.get('a')).resolves.toBeUndefined();
      await cache.set('a', 'one', 60_000);
      await expect(cache.get('a')).resolves.toBe('one');
      await cache.set('a', 'two', 60_000);
      await expect(cache.get('a')).resolves.toBe('two');
      await cache.del('a');
      await expect(cache.get('a')).resolves.toBeUndefined();
      await expect(cache.del('never-set')).resolves.toBeUndefined();
    });

    it('expires an entry once its ttl has passed', async () => {
      await cache.set('k', 'v', 1_000);
      clock.advance(999);
      await expect(cache.get('k')).resolves.toBe('v');
      clock.advance(1);
      await expect(cache.get('k')).resolves.toBeUndefined();
    });

    it('gives a rewritten entry a fresh ttl', async () => {
      await cache.set('k', 'v1', 1_000);
      clock.advance(800);
      await cache.set('k', 'v2', 1_000);
      clock.advance(800);
      await expect(cache.get('k')).resolves.toBe('v2');
    });

    it('evicts the oldest entry when it is full', async () => {
      await cache.set('first', '1', 60_000);
      await cache.set('second', '2', 60_000);
      await cache.set('third', '3', 60_000);
      await cache.set('fourth', '4', 60_000);
      await expect(cache.get('first')).resolves.toBeUndefined();
      await expect(cache.get('second')).resolves.toBe('2');
      await expect(cache.get('third')).resolves.toBe('3');
      await expect(cache.get('fourth')).resolves.toBe('4');
      // Rewriting a key makes it the newest one.
      await cache.set('second', '2b', 60_000);
      await cache.set('fifth', '5', 60_000);
      await expect(cache.get('third')).resolves.toBeUndefined();
      await expect(cache.get('second')).resolves.toBe('2b');
    });
  });
}
