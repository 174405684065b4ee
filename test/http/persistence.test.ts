import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../support/local-harness';

describe('local state survives a restart (DATA_DIR)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-persist-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps votes, feedback, served generated sayings and usage', async () => {
    const env = { DATA_DIR: dataDir };
    const first = await startHarness({ env, inMemory: false });
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await first.http.get('/sayings').expect(200)).body);
    const generated = served[3];
    expect(generated.vendor).not.toBeNull();
    for (const s of [served[0], generated]) {
      await first.http
        .post('/feedback')
        .set('Idempotency-Key', `restart-${s.sayingId}`)
        .send({ sayingId: s.sayingId, saying: s.saying, source: s.source, feedbackType: 'POSITIVE', executionTime: 1, isCached: false, originalLlmTime: s.originalLlmTime })
        .expect(201);
    }
    await first.settle();
    const before = (await first.http.get('/stats').expect(200)).body;
    const sayingsBefore = (await first.http.get('/health').expect(200)).body.collection.sayings;
    await first.close();

    const second = await startHarness({ env, inMemory: false });
    try {
      const after = (await second.http.get('/stats').expect(200)).body;
      expect(after.totals).toEqual(before.totals);
      expect(after.topSayings.map((t: { sayingId: string }) => t.sayingId).sort()).toEqual([served[0].sayingId, generated.sayingId].sort());
      // The generated saying is still known, and its idempotency key still counts once.
      const replay = await second.http
        .post('/feedback')
        .set('Idempotency-Key', `restart-${generated.sayingId}`)
        .send({ sayingId: generated.sayingId, saying: generated.saying, source: generated.source, feedbackType: 'POSITIVE', executionTime: 1, isCached: false, originalLlmTime: generated.originalLlmTime })
        .expect(200);
      expect(replay.body).toMatchObject({ upvotes: 1, replayed: true });
      const health = (await second.http.get('/health').expect(200)).body;
      expect(health.collection.sayings).toBe(sayingsBefore);
    } finally {
      await second.close();
    }
  });
});
