import { join } from 'node:path';
import type { Logger } from '../../ports/logger';
import { ApiKeyState, isApiKeyChange, type ApiKeyChange, type ApiKeyJournal } from '../memory/api-key-state';
import { JsonlJournal } from './jsonl-journal';

export interface FileApiKeyStoreSettings {
  readonly dataDir: string;
  readonly flushDelayMs: number;
  /** Compact when the journal holds this many times more lines than there are keys and secrets. */
  readonly compactionRatio: number;
  readonly minLinesBeforeCompaction: number;
}

export const API_KEYS_FILE = 'api-keys.jsonl';

/**
 * The local profile's API keys: the in-memory store's state, journaled to `DATA_DIR/api-keys.jsonl` (ADR 0004's
 * journal, in a file of its own so that key management stays apart from the sayings state). Key changes are
 * fsynced before they are acknowledged; usage totals are written behind, except spend against a budget.
 * Only one process may open it at a time: see `DataDirLock` (ADR 0013).
 */
export class FileApiKeyStore implements ApiKeyJournal {
  readonly state: ApiKeyState;
  private readonly journal: JsonlJournal;
  private compacting: Promise<void> | undefined;

  private constructor(
    private readonly settings: FileApiKeyStoreSettings,
    private readonly logger: Logger,
  ) {
    this.journal = new JsonlJournal(join(settings.dataDir, API_KEYS_FILE), { flushDelayMs: settings.flushDelayMs });
    this.state = new ApiKeyState(this);
  }

  static async open(settings: FileApiKeyStoreSettings, logger: Logger): Promise<FileApiKeyStore> {
    const store = new FileApiKeyStore(settings, logger);
    const records = await store.journal.open();
    let skipped = 0;
    for (const record of records) {
      if (isApiKeyChange(record)) store.state.apply(record);
      else skipped++;
    }
    if (skipped > 0) logger.warn('api key journal: unreadable lines skipped', { skipped });
    logger.info('api keys loaded', { keys: store.state.keys.size });
    return store;
  }

  async write(changes: readonly ApiKeyChange[], durable: boolean): Promise<void> {
    // One batch: the lines of one change share a sync (and a torn tail can only cut the last of them).
    // Whole entities: a key's line still waiting to be written is superseded by its newer one (its usage totals
    // change on every request).
    await Promise.all(changes.map((change) => this.journal.append(change, durable, entityOf(change))));
    this.maybeCompact();
  }

  async close(): Promise<void> {
    await this.compacting;
    await this.journal.close();
  }

  private maybeCompact(): void {
    const live = this.state.keys.size + this.state.secrets.size;
    const lines = this.journal.lineCount;
    if (this.compacting || lines < this.settings.minLinesBeforeCompaction || lines < live * this.settings.compactionRatio) return;
    this.compacting = this.journal
      .compact(() => [
        ...[...this.state.secrets.values()].map((secret): ApiKeyChange => ({ t: 'api-key-secret', secret })),
        ...[...this.state.keys.values()].map((key): ApiKeyChange => ({ t: 'api-key', key })),
      ])
      .catch((error: unknown) => this.logger.error('api key journal compaction failed', { error: String(error) }))
      .finally(() => {
        this.compacting = undefined;
      });
  }
}

const entityOf = (change: ApiKeyChange): string => (change.t === 'api-key' ? `key:${change.key.record.id}` : `secret:${change.secret.hash}`);
