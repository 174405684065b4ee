import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock, type LockOwner } from '../../adapters/file/data-dir-lock';
import { FileApiKeyStore } from '../../adapters/file/file-api-key-store';
import type { ApiKeyState } from '../../adapters/memory/api-key-state';
import type { Logger } from '../../ports/logger';

export const API_KEYS_LOCK = 'api-keys.lock';

export interface LocalKeyStore {
  readonly state: ApiKeyState;
  /** Tells `npm run keys` where this server's admin API listens, so it goes through it instead of the files. */
  advertise(adminUrl: string): void;
  close(): Promise<void>;
}

export interface LocalKeyStoreOptions {
  readonly role: LockOwner['role'];
  readonly flushDelayMs: number;
  /** How long to wait for another holder (a CLI command takes well under a second). */
  readonly waitMs: number;
}

/**
 * `DATA_DIR/api-keys.jsonl`, opened by exactly one process at a time (ADR 0013): the server for its lifetime, or
 * `npm run keys` for one command while no server runs. A second opener waits `waitMs`, then gets a clear error.
 */
export async function openLocalKeyStore(dataDir: string, options: LocalKeyStoreOptions, logger: Logger): Promise<LocalKeyStore> {
  mkdirSync(dataDir, { recursive: true });
  const lock = await DataDirLock.acquire(join(dataDir, API_KEYS_LOCK), { pid: process.pid, role: options.role, startedAt: Date.now() }, { waitMs: options.waitMs });
  let store: FileApiKeyStore;
  try {
    store = await FileApiKeyStore.open({ dataDir, flushDelayMs: options.flushDelayMs, compactionRatio: 4, minLinesBeforeCompaction: 10_000 }, logger);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    state: store.state,
    advertise: (adminUrl) => lock.update({ adminUrl }),
    close: async () => {
      try {
        await store.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** A URL another process on this machine can reach a server bound to `host` at. */
export function loopbackUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
