import fc from 'fast-check';
import { aggregateStats, type StatsFilter } from '../../src/domain/stats/aggregate';
import { percentile, summarizeLatency } from '../../src/domain/stats/percentiles';
import { buildCatalog, type ModelSpec, type Vendor } from '../../src/domain/catalog/model-catalog';
import { USAGE_CHANNELS, type UsageEntry } from '../../src/domain/usage/usage-entry';
import type { FeedbackRecord } from '../../src/domain/feedback/feedback-record';
import { sum } from './arbitraries';

const specs = [...buildCatalog().values()];
/** A model outside the list handed to aggregateStats, as a gateway call to an unlisted model would be. */
const STRAY = { vendor: 'openai' as Vendor, key: 'stray-model' };
const who = fc.oneof(
  fc.constant({ vendor: undefined, model: undefined }),
  fc.constantFrom(...specs, STRAY).map((m) => ({ vendor: m.vendor as Vendor | undefined, model: m.key as string | undefined })),
);
const at = fc.integer({ min: 0, max: 100 });
const latency = fc.nat(30_000);

const entry: fc.Arbitrary<UsageEntry> = fc
  .record({
    id: fc.uuid(),
    at,
    channel: fc.constantFrom(...USAGE_CHANNELS),
    source: fc.constantFrom('collection', 'live', 'pool', 'none') as fc.Arbitrary<UsageEntry['source']>,
    who,
    provider: fc.constant(undefined),
    offline: fc.boolean(),
    keyId: fc.option(fc.string(), { nil: undefined }),
    latencyMs: latency,
    cacheHit: fc.boolean(),
    status: fc.constantFrom('ok', 'error') as fc.Arbitrary<UsageEntry['status']>,
    spend: fc.option(
      fc.record({
        inputTokens: fc.option(fc.nat(5_000), { nil: undefined }),
        outputTokens: fc.option(fc.nat(5_000), { nil: undefined }),
        costNano: fc.option(fc.nat(1_000_000_000), { nil: undefined }),
        estimated: fc.boolean(),
        llmLatencyMs: latency,
      }),
      { nil: undefined },
    ),
  })
  .map(({ who: w, ...e }) => ({ ...e, vendor: w.vendor, model: w.model }));

const vote: fc.Arbitrary<FeedbackRecord> = fc
  .record({ id: fc.uuid(), at, sayingId: fc.string(), up: fc.boolean(), who, executionTimeMs: latency, isCached: fc.boolean() })
  .map(({ up, who: w, ...v }) => ({
    ...v,
    feedbackType: up ? 'POSITIVE' : 'NEGATIVE',
    vendor: w.vendor,
    model: w.model,
    originalLlmTimeMs: null,
    idempotencyKey: v.id,
  }));

const window = fc.tuple(at, at).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
const filter: fc.Arbitrary<StatsFilter> = fc.record({
  window,
  vendor: fc.option(fc.constantFrom<Vendor>('anthropic', 'openai', 'bedrock'), { nil: undefined }),
  model: fc.option(fc.constantFrom(...specs.map((s) => s.key), STRAY.key), { nil: undefined }),
}).map(({ window: w, ...f }) => ({ ...w, ...f }));
const unfiltered = window.map((w): StatsFilter => ({ ...w, vendor: undefined, model: undefined }));
const models = fc.shuffledSubarray(specs);

const selected = (f: StatsFilter) => (x: { at: number; vendor: Vendor | undefined; model: string | undefined }) =>
  x.at >= f.from && x.at <= f.to && (f.vendor === undefined || f.vendor === x.vendor) && (f.model === undefined || f.model === x.model);
const tokensOf = (e: UsageEntry) => (e.spend?.inputTokens ?? 0) + (e.spend?.outputTokens ?? 0);
const costOf = (e: UsageEntry) => e.spend?.costNano ?? 0;
const live = (m: string) => m.length % 2 === 0;

const input = fc.record({ entries: fc.array(entry, { maxLength: 60 }), votes: fc.array(vote, { maxLength: 40 }), models });

describe('aggregateStats', () => {
  it('totals are sums over exactly the entries and votes in the window that match the filter', () => {
    fc.assert(
      fc.property(input, filter, ({ entries, votes, models: ms }, f) => {
        const { totals } = aggregateStats(entries, votes, ms, live, f);
        const used = entries.filter(selected(f));
        const requests = used.filter((e) => e.channel !== 'sayings-build' && e.channel !== 'jobs');
        const myVotes = votes.filter(selected(f));
        expect(totals.costNano).toBe(sum(used.map(costOf)));
        expect(totals.costUsd).toBeCloseTo(totals.costNano / 1e9, 12);
        expect(totals.tokens).toBe(sum(used.map(tokensOf)));
        expect(totals.requests).toBe(requests.length);
        expect(totals.cacheHits).toBe(requests.filter((e) => e.cacheHit).length);
        expect(totals.cacheHitRate).toBe(requests.length === 0 ? null : totals.cacheHits / requests.length);
        expect([totals.upvotes, totals.downvotes]).toEqual([
          myVotes.filter((v) => v.feedbackType === 'POSITIVE').length,
          myVotes.filter((v) => v.feedbackType === 'NEGATIVE').length,
        ]);
        expect(totals.latencyMs === null).toBe(requests.length === 0);
      }),
    );
  });

  it('has one row for every listed model that matches the filter, in order, with its own sums and votes', () => {
    fc.assert(
      fc.property(input, filter, ({ entries, votes, models: ms }, f) => {
        const { models: rows } = aggregateStats(entries, votes, ms, live, f);
        const expected = ms.filter((m) => (f.vendor === undefined || f.vendor === m.vendor) && (f.model === undefined || f.model === m.key));
        expect(rows.map((r) => r.model)).toEqual(expected.map((m) => m.key));
        for (const [i, row] of rows.entries()) {
          const spec = expected[i] as ModelSpec;
          const mine = entries.filter(selected(f)).filter((e) => e.model === spec.key);
          const myVotes = votes.filter(selected(f)).filter((v) => v.model === spec.key);
          expect(row).toMatchObject({ vendor: spec.vendor, displayName: spec.displayName, live: live(spec.key) });
          expect(row.costNano).toBe(sum(mine.map(costOf)));
          expect(row.tokens).toBe(sum(mine.map(tokensOf)));
          expect(row.requests).toBe(mine.filter((e) => e.channel !== 'sayings-build' && e.channel !== 'jobs').length);
          expect(row.upvotes).toBe(myVotes.filter((v) => v.feedbackType === 'POSITIVE').length);
          expect(row.downvotes).toBe(myVotes.filter((v) => v.feedbackType === 'NEGATIVE').length);
          expect(row.approval).toBe(myVotes.length === 0 ? null : row.upvotes / myVotes.length);
          expect(row.latencyMs === null).toBe(!mine.some((e) => e.spend !== undefined));
        }
      }),
    );
  });

  it('unfiltered: model rows plus entries without a listed model add up to the totals', () => {
    fc.assert(
      fc.property(input, unfiltered, ({ entries, votes, models: ms }, f) => {
        const { totals, models: rows } = aggregateStats(entries, votes, ms, live, f);
        const listed = new Set(ms.map((m) => m.key));
        const rest = entries.filter(selected(f)).filter((e) => e.model === undefined || !listed.has(e.model));
        expect(sum(rows.map((r) => r.costNano)) + sum(rest.map(costOf))).toBe(totals.costNano);
        expect(sum(rows.map((r) => r.tokens)) + sum(rest.map(tokensOf))).toBe(totals.tokens);
        const restVotes = votes.filter(selected(f)).filter((v) => v.model === undefined || !listed.has(v.model));
        expect(sum(rows.map((r) => r.upvotes + r.downvotes)) + restVotes.length).toBe(totals.upvotes + totals.downvotes);
      }),
    );
  });

  it('counts entries and votes exactly at both window bounds, and none just outside', () => {
    const base = { channel: 'sayings', source: 'live', vendor: 'anthropic', model: 'haiku', provider: undefined, offline: false, keyId: undefined, latencyMs: 10, cacheHit: false, status: 'ok' } as const;
    const spend = { inputTokens: 10, outputTokens: 5, costNano: 7, estimated: false, llmLatencyMs: 8 };
    const entries: UsageEntry[] = [9, 10, 20, 21].map((t) => ({ ...base, id: `e${t}`, at: t, spend }));
    const votes: FeedbackRecord[] = [9, 10, 20, 21].map((t) => ({
      id: `v${t}`, at: t, sayingId: 's', feedbackType: 'POSITIVE', vendor: 'anthropic', model: 'haiku',
      executionTimeMs: 1, isCached: false, originalLlmTimeMs: null, idempotencyKey: `v${t}`,
    }));
    const out = aggregateStats(entries, votes, specs, () => true, { from: 10, to: 20, vendor: undefined, model: undefined });
    expect(out.totals).toMatchObject({ requests: 2, tokens: 30, costNano: 14, upvotes: 2, downvotes: 0, latencyMs: { mean: 10, p50: 10, p95: 10 } });
    expect(out.models.find((m) => m.model === 'haiku')).toMatchObject({ requests: 2, costNano: 14, upvotes: 2, approval: 1 });
    // Collection traffic (no model) drops out under a vendor filter.
    const collection: UsageEntry = { ...base, id: 'c', at: 15, vendor: undefined, model: undefined, source: 'collection', spend: undefined };
    expect(aggregateStats([collection], [], specs, () => true, { from: 0, to: 99, vendor: 'openai', model: undefined }).totals.requests).toBe(0);
    expect(aggregateStats([collection], [], specs, () => true, { from: 0, to: 99, vendor: undefined, model: undefined }).totals.requests).toBe(1);
  });
});

describe('percentile / summarizeLatency', () => {
  const values = fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 200 });
  const sorted = values.map((v) => [...v].sort((a, b) => a - b));

  it('percentile of a sorted list is one of its elements, monotone in p, min at 0 and max at 100', () => {
    fc.assert(
      fc.property(sorted, fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (xs, p, q) => {
        const v = percentile(xs, p);
        expect(xs).toContain(v);
        if (p <= q) expect(v!).toBeLessThanOrEqual(percentile(xs, q)!);
        expect(percentile(xs, 0)).toBe(xs[0]);
        expect(percentile(xs, 100)).toBe(xs[xs.length - 1]);
        // Nearest rank: at least p % of the values are ≤ it.
        expect(xs.filter((x) => x <= v!).length).toBeGreaterThanOrEqual((p / 100) * xs.length - 1e-9);
      }),
    );
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });

  it('summary: p50 ≤ p95, mean within [min, max], independent of input order', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const s = summarizeLatency(xs)!;
        expect(s.p50).toBeLessThanOrEqual(s.p95);
        expect(s.mean).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(s.mean).toBeLessThanOrEqual(Math.max(...xs));
        expect(s.mean).toBeCloseTo(sum(xs) / xs.length, 6);
        expect(summarizeLatency([...xs].reverse())).toEqual(s);
      }),
    );
    expect(summarizeLatency([])).toBeNull();
  });
});
