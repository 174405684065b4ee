import fc from 'fast-check';
import { emptyTracking, pickServices, type ServiceTracking } from '../../src/domain/services/service-selection';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';
import { cycling, ids, randomValues, seeded } from './arbitraries';

/** A reachable tracking state: the result of some earlier rounds over `pool`. */
const history = fc.array(fc.tuple(fc.nat(6), randomValues), { maxLength: 12 });

function replay(pool: readonly string[], rounds: readonly (readonly [number, readonly number[]])[], recentLimit: number): ServiceTracking {
  let tracking = emptyTracking;
  for (const [count, rs] of rounds) tracking = pickServices(pool, tracking, count, recentLimit, cycling(rs)).tracking;
  return tracking;
}

/** Arbitrary (not necessarily reachable) tracking over some ids: counts and a duplicate-free recent list. */
const trackingOver = (pool: readonly string[]) =>
  fc.record({
    counts: fc.array(fc.tuple(fc.constantFrom(...pool, 'gone'), fc.nat(20))).map((kv) => new Map(kv)),
    recent: fc.uniqueArray(fc.constantFrom(...pool, 'gone')),
  });

const scenario = ids({ minLength: 1, maxLength: 15 }).chain((pool) =>
  fc.record({
    pool: fc.constant(pool),
    input: fc.shuffledSubarray([...pool, ...pool]).map((xs) => (xs.length > 0 ? xs : pool)),
    tracking: fc.oneof(trackingOver(pool), history.map((h) => replay(pool, h, 5))),
    count: fc.nat(20),
    recentLimit: fc.integer({ min: 1, max: 20 }),
    rs: randomValues,
  }),
);

describe('pickServices', () => {
  it('picks min(count, unique ids) distinct ids, all from the input', () => {
    fc.assert(
      fc.property(scenario, ({ input, tracking, count, recentLimit, rs }) => {
        const { picked } = pickServices(input, tracking, count, recentLimit, cycling(rs));
        const unique = new Set(input);
        expect(picked).toHaveLength(Math.min(count, unique.size));
        expect(new Set(picked).size).toBe(picked.length);
        for (const id of picked) expect(unique.has(id)).toBe(true);
      }),
    );
  });

  it('never picks a recent id while enough fresh ids exist, and otherwise takes every fresh one', () => {
    fc.assert(
      fc.property(scenario, ({ input, tracking, count, recentLimit, rs }) => {
        const { picked } = pickServices(input, tracking, count, recentLimit, cycling(rs));
        const recent = new Set(tracking.recent);
        const fresh = [...new Set(input)].filter((id) => !recent.has(id));
        const pickedRecent = picked.filter((id) => recent.has(id));
        if (fresh.length >= count) expect(pickedRecent).toEqual([]);
        else for (const id of fresh) expect(picked).toContain(id);
      }),
    );
  });

  it('prefers the least used among fresh ids', () => {
    fc.assert(
      fc.property(scenario, ({ input, tracking, count, recentLimit, rs }) => {
        const { picked } = pickServices(input, tracking, count, recentLimit, cycling(rs));
        const recent = new Set(tracking.recent);
        const used = (id: string) => tracking.counts.get(id) ?? 0;
        const fresh = [...new Set(input)].filter((id) => !recent.has(id));
        const pickedFresh = picked.filter((id) => !recent.has(id));
        const leftFresh = fresh.filter((id) => !picked.includes(id));
        // Every fresh id picked is used no more than any fresh id left behind.
        for (const p of pickedFresh) for (const l of leftFresh) expect(used(p)).toBeLessThanOrEqual(used(l));
      }),
    );
  });

  it('adds exactly 1 to the count of each picked id and leaves the others alone', () => {
    fc.assert(
      fc.property(scenario, ({ input, tracking, count, recentLimit, rs }) => {
        const { picked, tracking: next } = pickServices(input, tracking, count, recentLimit, cycling(rs));
        const keys = new Set([...tracking.counts.keys(), ...next.counts.keys(), ...input]);
        for (const id of keys) {
          const before = tracking.counts.get(id) ?? 0;
          expect(next.counts.get(id) ?? 0).toBe(before + (picked.includes(id) ? 1 : 0));
        }
      }),
    );
  });

  it('keeps recent at most recentLimit long, duplicate-free and ending with the picked ids', () => {
    fc.assert(
      fc.property(scenario, ({ input, tracking, count, recentLimit, rs }) => {
        const { picked, tracking: next } = pickServices(input, tracking, count, recentLimit, cycling(rs));
        expect(next.recent.length).toBeLessThanOrEqual(recentLimit);
        expect(new Set(next.recent).size).toBe(next.recent.length);
        const tail = picked.slice(-Math.min(recentLimit, picked.length));
        if (tail.length > 0) expect(next.recent.slice(-tail.length)).toEqual(tail);
      }),
    );
  });

  it('keeps usage spread over many rounds with a 48-service list', () => {
    const services = Array.from({ length: 48 }, (_, i) => `svc-${i}`);
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 24 }), (seed, count, recentLimit) => {
        const random = seeded(seed);
        let tracking = emptyTracking;
        for (let round = 0; round < 200; round++) {
          tracking = pickServices(services, tracking, count, Math.max(1, recentLimit), random).tracking;
          const used = services.map((id) => tracking.counts.get(id) ?? 0);
          expect(Math.max(...used) - Math.min(...used)).toBeLessThanOrEqual(1);
        }
        expect([...tracking.counts.values()].reduce((s, n) => s + n, 0)).toBe(200 * count);
      }),
      { numRuns: 30 },
    );
  });

  it('spreads over the real service list with the production recent limit (24)', () => {
    const services = AWS_SERVICES.map((s) => s.id);
    const random = seeded(42);
    let tracking = emptyTracking;
    for (let round = 0; round < 500; round++) tracking = pickServices(services, tracking, 3, 24, random).tracking;
    const used = services.map((id) => tracking.counts.get(id) ?? 0);
    expect(Math.max(...used) - Math.min(...used)).toBeLessThanOrEqual(1);
  });

  it('brings back the least recently picked first once fresh ids run out', () => {
    const tracking: ServiceTracking = { counts: new Map([['a', 1], ['b', 1], ['c', 1]]), recent: ['b', 'a', 'c'] };
    expect(pickServices(['a', 'b', 'c'], tracking, 2, 3, () => 0).picked).toEqual(['b', 'a']);
  });

  // Regression: `.slice(-recentLimit)` with recentLimit 0 is `.slice(0)`, so nothing is trimmed.
  it('keeps recent empty when recentLimit is 0', () => {
    const { tracking } = pickServices(['a', 'b', 'c'], emptyTracking, 2, 0, () => 0.5);
    expect(tracking.recent).toEqual([]);
  });
});
