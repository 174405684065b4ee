import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { startHarness, type Harness } from '../support/local-harness';

describe('GET /stats', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  async function serveAndVote(requests: number): Promise<void> {
    for (let i = 0; i < requests; i++) {
      if (i === 4) await h.settle();
      const s = (await h.http.get('/sayings').expect(200)).body;
      await h.http
        .post('/feedback')
        .send({ sayingId: s.sayingId, saying: s.saying, source: s.source, feedbackType: i % 4 === 0 ? 'NEGATIVE' : 'POSITIVE', executionTime: s.executionTime, isCached: s.isCached, originalLlmTime: s.originalLlmTime })
        .expect(201);
    }
    await h.settle();
  }

  it('has a row for every catalog model, even with no traffic', async () => {
    const res = await h.http.get('/stats').expect(200);
    const keys = res.body.models.map((m: { model: string }) => m.model).sort();
    expect(keys).toEqual([...buildCatalog().keys()].sort());
    expect(res.body.totals).toMatchObject({ requests: 0, cacheHits: 0, upvotes: 0, downvotes: 0, tokens: 0, costUsd: 0 });
    for (const m of res.body.models) expect(m).toMatchObject({ live: false, offline: true, requests: 0, approval: null, latencyMs: null });
    expect(res.body.topSayings).toEqual([]);
  });

  it('adds up requests, cache hits, votes, tokens and cost, and the totals equal the sum of the rows', async () => {
    await serveAndVote(12);
    const { body } = await h.http.get('/stats').expect(200);
    expect(body.totals.requests).toBe(12);
    expect(body.totals.upvotes + body.totals.downvotes).toBe(12);
    expect(body.totals.downvotes).toBe(3);
    expect(body.totals.tokens).toBeGreaterThan(0);
    type Row = { requests: number; cacheHits: number; tokens: number; costNano: number; upvotes: number; downvotes: number };
    const rows = body.models as Row[];
    const sum = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);
    // Collection sayings have no model: they count in the totals only.
    expect(sum((r) => r.costNano)).toBe(body.totals.costNano);
    expect(sum((r) => r.tokens)).toBe(body.totals.tokens);
    expect(sum((r) => r.cacheHits)).toBe(body.totals.cacheHits);
    expect(body.totals.cacheHits).toBeGreaterThan(0);
    expect(sum((r) => r.requests)).toBeLessThanOrEqual(12);
    const active = body.models.filter((m: { latencyMs: unknown }) => m.latencyMs !== null);
    expect(active.length).toBeGreaterThan(0);
    for (const m of active) expect(m.latencyMs.p50).toBeLessThanOrEqual(m.latencyMs.p95);
    expect(body.topSayings.length).toBeGreaterThan(0);
    const scores = body.topSayings.map((t: { score: number }) => t.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
  });

  it('filters by vendor and by model', async () => {
    await serveAndVote(10);
    const openai = (await h.http.get('/stats?vendor=openai').expect(200)).body;
    expect(openai.models.every((m: { vendor: string }) => m.vendor === 'openai')).toBe(true);
    expect(openai.models.map((m: { model: string }) => m.model).sort()).toEqual(['gpt-4.1', 'gpt-4.1-mini']);
    const haiku = (await h.http.get('/stats?model=haiku').expect(200)).body;
    expect(haiku.models).toHaveLength(1);
    expect(haiku.totals.costNano).toBe(haiku.models[0].costNano);
    for (const t of haiku.topSayings) expect(t.model).toBe('haiku');
    const byVendorId = (await h.http.get('/stats?model=claude-haiku-4-5').expect(200)).body;
    expect(byVendorId.models[0].model).toBe('haiku');
  });

  it('honours the time window', async () => {
    await serveAndVote(5);
    const past = (await h.http.get('/stats?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z').expect(200)).body;
    expect(past.totals).toMatchObject({ requests: 0, upvotes: 0, tokens: 0 });
    const now = Date.now();
    const recent = (await h.http.get(`/stats?from=${now - 60_000}&to=${now + 60_000}`).expect(200)).body;
    expect(recent.totals.requests).toBe(5);
    expect(recent.window).toEqual({ from: now - 60_000, to: now + 60_000 });
  });

  it('ranks top sayings by the votes cast in the window, and shows those votes', async () => {
    const vote = async (s: { sayingId: string; saying: string; source: string; executionTime: number; isCached: boolean; originalLlmTime: number | null }, feedbackType: string) =>
      h.http.post('/feedback').send({ sayingId: s.sayingId, saying: s.saying, source: s.source, feedbackType, executionTime: s.executionTime, isCached: s.isCached, originalLlmTime: s.originalLlmTime }).expect(201);
    const served: { sayingId: string; saying: string; source: string; executionTime: number; isCached: boolean; originalLlmTime: number | null }[] = [];
    while (served.length < 2) {
      const s = (await h.http.get('/sayings').expect(200)).body;
      if (!served.some((t) => t.sayingId === s.sayingId)) served.push(s);
    }
    const [old, fresh] = served as [(typeof served)[0], (typeof served)[0]];
    for (let i = 0; i < 5; i++) await vote(old, 'POSITIVE');
    await new Promise((r) => setTimeout(r, 30));
    const windowStart = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await vote(fresh, 'POSITIVE');
    await vote(old, 'NEGATIVE');
    await h.settle();

    const all = (await h.http.get(`/stats?from=${windowStart - 3_600_000}`).expect(200)).body;
    expect(all.topSayings.map((t: { sayingId: string; upvotes: number; downvotes: number }) => [t.sayingId, t.upvotes, t.downvotes])).toEqual([
      [old.sayingId, 5, 1],
      [fresh.sayingId, 1, 0],
    ]);
    // Since windowStart, the old saying has one down-vote and the fresh one an up-vote: the fresh one leads.
    const recent = (await h.http.get(`/stats?from=${windowStart}`).expect(200)).body;
    expect(recent.topSayings).toEqual([
      expect.objectContaining({ sayingId: fresh.sayingId, upvotes: 1, downvotes: 0, approval: 1 }),
      expect.objectContaining({ sayingId: old.sayingId, upvotes: 0, downvotes: 1, approval: 0, score: 0 }),
    ]);
    const later = Date.now() + 3_600_000;
    const ahead = (await h.http.get(`/stats?from=${later}`).expect(200)).body;
    expect(ahead.window).toEqual({ from: later, to: later });
    expect(ahead.topSayings).toEqual([]);
    const before = (await h.http.get(`/stats?from=${windowStart - 3_600_000}&to=${windowStart - 1}`).expect(200)).body;
    expect(before.topSayings).toEqual([expect.objectContaining({ sayingId: old.sayingId, upvotes: 5, downvotes: 0 })]);
  });
});
