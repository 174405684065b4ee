import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileApiKeyStore, type FileApiKeyStoreSettings } from '../../src/adapters/file/file-api-key-store';
import { InMemoryApiKeyRepo } from '../../src/adapters/memory/in-memory-api-key-repo';
import { apiKeyRepoContract, type ApiKeyStore } from './api-key-repo.contract';
import { silentLogger } from './support';

/** The ApiKeyRepo contract in memory, and journaled to a temp folder as `npm start` keeps it. */

apiKeyRepoContract('in-memory', () => Promise.resolve({ repo: new InMemoryApiKeyRepo(), close: () => Promise.resolve() }));

const fileBacked = (settings: Partial<Omit<FileApiKeyStoreSettings, 'dataDir'>> = {}) => async (): Promise<ApiKeyStore> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-keys-contract-'));
  const full: FileApiKeyStoreSettings = { dataDir, flushDelayMs: 5, compactionRatio: 4, minLinesBeforeCompaction: 20_000, ...settings };
  const over = (file: FileApiKeyStore): ApiKeyStore => ({
    repo: new InMemoryApiKeyRepo(file.state),
    close: async () => {
      await file.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    reopen: async () => {
      await file.close();
      return over(await FileApiKeyStore.open(full, silentLogger));
    },
  });
  return over(await FileApiKeyStore.open(full, silentLogger));
};

apiKeyRepoContract('file-backed (api-keys.jsonl)', fileBacked());
apiKeyRepoContract('file-backed, compacting constantly', fileBacked({ compactionRatio: 1.1, minLinesBeforeCompaction: 3 }));
