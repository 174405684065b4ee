import fc from 'fast-check';
import { COLLECTION_REQUESTS, LIVE_REQUEST, decideSource, type FlowInput } from '../../src/domain/flow/request-flow';
import { cycling, randomValues, unitDouble } from './arbitraries';

const models = fc.uniqueArray(fc.constantFrom('haiku', 'sonnet', 'gpt-4.1', 'gpt-4.1-mini', 'm5', 'm6'), { minLength: 1 });
const FOUR = ['haiku', 'sonnet', 'gpt-4.1', 'gpt-4.1-mini'] as const;

const input = (over: Partial<FlowInput>): FlowInput => ({
  requestNumber: 1,
  poolSize: 0,
  refillThreshold: 10,
  liveModels: FOUR,
  random: () => 0,
  ...over,
});

describe('decideSource', () => {
  it('serves requests 1–3 from the collection and starts the build exactly on request 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: COLLECTION_REQUESTS }),
        fc.nat(100),
        fc.nat(100),
        fc.array(fc.string()),
        randomValues,
        (requestNumber, poolSize, refillThreshold, liveModels, rs) => {
          const d = decideSource({ requestNumber, poolSize, refillThreshold, liveModels, random: cycling(rs) });
          expect(d).toEqual({ source: 'collection', startBuild: requestNumber === 1, refill: false });
        },
      ),
    );
  });

  it('calls a live model from liveModels on request 4', () => {
    fc.assert(
      fc.property(models, fc.nat(100), fc.nat(100), randomValues, (liveModels, poolSize, refillThreshold, rs) => {
        const d = decideSource({ requestNumber: LIVE_REQUEST, poolSize, refillThreshold, liveModels, random: cycling(rs) });
        expect(d.source).toBe('live');
        if (d.source === 'live') expect(liveModels).toContain(d.model);
      }),
    );
  });

  it('maps r in [k/4, (k+1)/4) to model k, so each of four models gets a quarter of [0, 1)', () => {
    fc.assert(
      fc.property(unitDouble, (r) => {
        const d = decideSource(input({ requestNumber: LIVE_REQUEST, random: () => r }));
        const k = FOUR.findIndex((_, i) => r >= i / 4 && r < (i + 1) / 4);
        expect(d).toEqual({ source: 'live', model: FOUR[k] });
      }),
    );
    // Interval edges, exactly.
    for (let k = 0; k < 4; k++) {
      expect(decideSource(input({ requestNumber: LIVE_REQUEST, random: () => k / 4 }))).toEqual({ source: 'live', model: FOUR[k] });
      const justBelow = (k + 1) / 4 - Number.EPSILON;
      expect(decideSource(input({ requestNumber: LIVE_REQUEST, random: () => justBelow }))).toEqual({ source: 'live', model: FOUR[k] });
    }
  });

  it('gives each of four models about 25 % over many random draws', () => {
    fc.assert(
      fc.property(fc.array(unitDouble, { minLength: 4000, maxLength: 4000 }), (rs) => {
        const counts = new Map<string, number>();
        for (const r of rs) {
          const d = decideSource(input({ requestNumber: LIVE_REQUEST, random: () => r }));
          if (d.source === 'live') counts.set(d.model, (counts.get(d.model) ?? 0) + 1);
        }
        // Expected count per bucket from the draws themselves: the mapping must match it exactly.
        for (let k = 0; k < 4; k++) {
          const expected = rs.filter((r) => r >= k / 4 && r < (k + 1) / 4).length;
          expect(counts.get(FOUR[k] as string) ?? 0).toBe(expected);
        }
      }),
      { numRuns: 20 },
    );
    // With an evenly spread sequence of draws the shares are exactly 25 % each.
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const d = decideSource(input({ requestNumber: LIVE_REQUEST, random: () => (i + 0.5) / 10_000 }));
      if (d.source === 'live') counts[FOUR.indexOf(d.model as (typeof FOUR)[number])]! += 1;
    }
    expect(counts).toEqual([2500, 2500, 2500, 2500]);
  });

  it('falls through to pool or collection on request 4 when there are no live models', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), randomValues, (poolSize, refillThreshold, rs) => {
        const d = decideSource({ requestNumber: LIVE_REQUEST, poolSize, refillThreshold, liveModels: [], random: cycling(rs) });
        expect(d).toEqual(
          poolSize > 0
            ? { source: 'pool', refill: poolSize - 1 < refillThreshold }
            : { source: 'collection', startBuild: false, refill: true },
        );
      }),
    );
  });

  it('serves requests ≥ 5 from the pool when it has sayings (refill iff poolSize-1 < threshold), else the collection with refill', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LIVE_REQUEST + 1, max: 1_000_000 }),
        fc.nat(200),
        fc.nat(200),
        fc.array(fc.string()),
        randomValues,
        (requestNumber, poolSize, refillThreshold, liveModels, rs) => {
          const d = decideSource({ requestNumber, poolSize, refillThreshold, liveModels, random: cycling(rs) });
          if (poolSize > 0) expect(d).toEqual({ source: 'pool', refill: poolSize - 1 < refillThreshold });
          else expect(d).toEqual({ source: 'collection', startBuild: false, refill: true });
        },
      ),
    );
  });

  it('examples', () => {
    expect(decideSource(input({ requestNumber: 5, poolSize: 11, refillThreshold: 10 }))).toEqual({ source: 'pool', refill: false });
    expect(decideSource(input({ requestNumber: 5, poolSize: 10, refillThreshold: 10 }))).toEqual({ source: 'pool', refill: true });
    expect(decideSource(input({ requestNumber: 4, random: () => 0.999999 }))).toEqual({ source: 'live', model: 'gpt-4.1-mini' });
  });
});
