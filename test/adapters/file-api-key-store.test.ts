import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEYS_FILE, FileApiKeyStore, type FileApiKeyStoreSettings } from '../../src/adapters/file/file-api-key-store';
import { InMemoryApiKeyRepo } from '../../src/adapters/memory/in-memory-api-key-repo';
import { hashOf, makeKeyRecord } from '../contracts/api-key-repo.contract';
import { silentLogger } from '../contracts/support';

/** What `api-keys.jsonl` holds while a key is in constant use (the gateway settles its usage on every request). */
describe('FileApiKeyStore under constant use', () => {
  let dataDir: string;
  let settings: FileApiKeyStoreSettings;
  const lines = (): { t: string; key?: { record: { id: string; usage: { requests: number; tokens: number; costNano: number } } } }[] =>
    readFileSync(join(dataDir, API_KEYS_FILE), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as never);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cs-keys-file-'));
    // A long flush delay: every settlement below lands in one write-behind batch, written at close.
    settings = { dataDir, flushDelayMs: 60_000, compactionRatio: 4, minLinesBeforeCompaction: 10_000 };
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes one line per key and batch for usage settled on every request, and a restart sees every total', async () => {
    const store = await FileApiKeyStore.open(settings, silentLogger);
    const repo = new InMemoryApiKeyRepo(store.state);
    const busy = makeKeyRecord({ name: 'busy' });
    const quiet = makeKeyRecord({ name: 'quiet' });
    await repo.create({ record: busy, secretHash: hashOf('busy secret') });
    await repo.create({ record: quiet, secretHash: hashOf('quiet secret') });
    const createdLines = lines().length;

    for (let i = 0; i < 2_000; i++) await repo.settle(busy.id, { tokens: 7, costNano: 11, at: busy.createdAt + i }, undefined);
    await repo.settle(quiet.id, { tokens: 1, costNano: 2, at: quiet.createdAt }, undefined);
    await repo.revoke(busy.id, busy.createdAt + 5_000);
    for (let i = 0; i < 10; i++) await repo.settle(busy.id, { tokens: 7, costNano: 11, at: busy.createdAt + 6_000 + i }, undefined);
    await store.close();

    // The revocation was durable, so it wrote the batch holding both keys; the ten later settlements are one more line.
    const written = lines().slice(createdLines);
    expect(written.map((l) => l.key?.record.id)).toEqual([quiet.id, busy.id, busy.id]);

    const reopened = await FileApiKeyStore.open(settings, silentLogger);
    const again = new InMemoryApiKeyRepo(reopened.state);
    await expect(again.get(busy.id)).resolves.toMatchObject({ status: 'revoked', usage: { requests: 2_010, tokens: 14_070, costNano: 22_110 } });
    await expect(again.get(quiet.id)).resolves.toMatchObject({ status: 'active', usage: { requests: 1, tokens: 1, costNano: 2 } });
    await reopened.close();
  });
});
