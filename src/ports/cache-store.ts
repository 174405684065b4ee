/** A small key/value cache with expiry, shared between instances where the adapter allows. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
}

export class CacheStoreError extends Error {
  override readonly name = 'CacheStoreError';
}
