import fc from 'fast-check';
import {
  BASE_COOLDOWN_MS,
  MAX_COOLDOWN_MS,
  NO_REGION_HEALTH,
  cooldownLeft,
  cooldownMs,
  recordFailure,
  recordSuccess,
  regionOrder,
  regionStatuses,
  type RegionHealthMap,
} from '../../src/domain/routing/region-health';

const NAMES: readonly string[] = ['us-east-1', 'us-west-2', 'ap-northeast-1', 'eu-west-1', 'eu-central-1'];
/** Priority lists, sometimes with a region named twice. */
const regionLists = fc.oneof(
  fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1 }),
  fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 8 }),
);
const t0 = fc.integer({ min: 0, max: 2_000_000_000_000 });

type Event = { readonly kind: 'fail' | 'succeed'; readonly region: string; readonly step: number };
/** A history of outcomes; steps move the clock forward, or back by up to an hour (clock skew). */
const events = fc.array(
  fc.record({
    kind: fc.constantFrom('fail', 'fail', 'succeed'),
    region: fc.constantFrom(...NAMES),
    step: fc.oneof(fc.nat(700_000), fc.integer({ min: -3_600_000, max: 0 }), fc.constant(0)),
  }),
  { maxLength: 60 },
) as fc.Arbitrary<Event[]>;

function replay(start: number, history: readonly Event[]): { health: RegionHealthMap; now: number; nows: number[] } {
  let health = NO_REGION_HEALTH;
  let now = start;
  const nows: number[] = [];
  for (const e of history) {
    now += e.step;
    nows.push(now);
    health = e.kind === 'fail' ? recordFailure(health, e.region, now) : recordSuccess(health, e.region);
  }
  return { health, now, nows };
}

const isCooling = (health: RegionHealthMap, region: string, now: number) => cooldownLeft(health.get(region), now) > 0;

describe('regionOrder', () => {
  it('is a subset of the regions, each once, in priority order, and never empty', () => {
    fc.assert(
      fc.property(regionLists, t0, events, fc.integer({ min: -3_600_000, max: 3_600_000 }), (regions, start, history, probe) => {
        const { health, now } = replay(start, history);
        const order = regionOrder(regions, health, now + probe);
        expect(order.length).toBeGreaterThan(0);
        expect(new Set(order).size).toBe(order.length);
        const priority = order.map((r) => regions.indexOf(r));
        priority.forEach((p) => expect(p).toBeGreaterThanOrEqual(0));
        expect([...priority].sort((a, b) => a - b)).toEqual(priority);
      }),
    );
  });

  it('tries every region whose cooldown is over, and no cooling region while one of those exists', () => {
    fc.assert(
      fc.property(regionLists, t0, events, (regions, start, history) => {
        const { health, now } = replay(start, history);
        const order = regionOrder(regions, health, now);
        const ready = [...new Set(regions)].filter((r) => !isCooling(health, r, now));
        if (ready.length > 0) expect(order).toEqual(ready);
      }),
    );
  });

  it('when every region is cooling, tries exactly the one whose cooldown ends first', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1 }), t0, fc.array(fc.nat(10_000), { minLength: 5, maxLength: 5 }), (regions, start, gaps) => {
        let health = NO_REGION_HEALTH;
        let now = start;
        regions.forEach((r, i) => {
          now += gaps[i] ?? 0;
          health = recordFailure(health, r, now);
        });
        const left = regions.map((r) => cooldownLeft(health.get(r), now));
        left.forEach((l) => expect(l).toBeGreaterThan(0));
        const order = regionOrder(regions, health, now);
        expect(order).toHaveLength(1);
        const chosen = left[regions.indexOf(order[0] ?? '')] ?? Infinity;
        expect(chosen).toBe(Math.min(...left));
      }),
    );
  });

  it('lists all regions in priority order when none ever failed', () => {
    expect(regionOrder(['us-east-1', 'us-west-2', 'us-east-1'], NO_REGION_HEALTH, 0)).toEqual(['us-east-1', 'us-west-2']);
    expect(regionOrder([], NO_REGION_HEALTH, 0)).toEqual([]);
  });
});

describe('recordFailure', () => {
  it('cools a region for 60, 120, 240, 480 s, then 600 s for good, when each retry after a cooldown fails', () => {
    fc.assert(
      fc.property(t0, fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 12 }), (start, gaps) => {
        let health = NO_REGION_HEALTH;
        let now = start;
        gaps.forEach((gap, i) => {
          health = recordFailure(health, 'us-east-1', now);
          const expected = Math.min(MAX_COOLDOWN_MS, BASE_COOLDOWN_MS * 2 ** i);
          expect(health.get('us-east-1')).toEqual({ consecutiveFailures: i + 1, cooldownUntil: now + expected });
          expect(cooldownLeft(health.get('us-east-1'), now)).toBe(expected);
          now += expected + gap; // the next try comes once the cooldown is over
        });
      }),
    );
    expect([0, 1, 2, 3, 4, 5, 50, 5000, Infinity].map(cooldownMs)).toEqual([60e3, 120e3, 240e3, 480e3, 600e3, 600e3, 600e3, 600e3, 600e3]);
  });

  it('neither lengthens nor escalates a cooldown already under way (in-flight calls of the same outage)', () => {
    fc.assert(
      fc.property(t0, fc.array(fc.nat(59_999), { minLength: 1, maxLength: 20 }), (start, offsets) => {
        const first = recordFailure(NO_REGION_HEALTH, 'us-east-1', start);
        let health = first;
        for (const offset of offsets) health = recordFailure(health, 'us-east-1', start + offset);
        expect(health.get('us-east-1')).toEqual(first.get('us-east-1'));
      }),
    );
  });

  it('brings a region back once its cooldown is over, at its priority', () => {
    fc.assert(
      fc.property(t0, fc.integer({ min: 0, max: 8 }), fc.nat(1_000_000), (start, failures, after) => {
        const regions = ['us-east-1', 'us-west-2'];
        let health = NO_REGION_HEALTH;
        let now = start;
        for (let i = 0; i <= failures; i++) {
          health = recordFailure(health, 'us-east-1', now);
          if (i < failures) now = health.get('us-east-1')!.cooldownUntil;
        }
        const until = health.get('us-east-1')!.cooldownUntil;
        expect(regionOrder(regions, health, until - 1)).toEqual(['us-west-2']);
        expect(regionOrder(regions, health, until + after)).toEqual(regions);
      }),
    );
  });
});

describe('recordSuccess', () => {
  it('resets a region: healthy at once, and its next failure cools it for the shortest time', () => {
    fc.assert(
      fc.property(regionLists, t0, events, fc.constantFrom(...NAMES), (regions, start, history, region) => {
        const { health, now } = replay(start, history);
        const reset = recordSuccess(health, region);
        expect(reset.has(region)).toBe(false);
        expect(isCooling(reset, region, now)).toBe(false);
        if (regions.includes(region)) expect(regionOrder(regions, reset, now)).toContain(region);
        expect(recordFailure(reset, region, now).get(region)).toEqual({ consecutiveFailures: 1, cooldownUntil: now + BASE_COOLDOWN_MS });
      }),
    );
  });

  it('leaves the map untouched for a region that never failed', () => {
    expect(recordSuccess(NO_REGION_HEALTH, 'us-east-1')).toBe(NO_REGION_HEALTH);
  });
});

describe('under clock skew', () => {
  it('never yields a negative, NaN or over-long cooldown, whatever the clock does', () => {
    fc.assert(
      fc.property(t0, events, fc.array(fc.integer({ min: -7_200_000, max: 7_200_000 }), { maxLength: 10 }), (start, history, probes) => {
        const { health, nows } = replay(start, history);
        for (const [region, h] of health) {
          expect(Number.isInteger(h.consecutiveFailures)).toBe(true);
          expect(h.consecutiveFailures).toBeGreaterThan(0);
          expect(Number.isFinite(h.cooldownUntil)).toBe(true);
          for (const now of [...nows, ...probes.map((p) => start + p)]) {
            const left = cooldownLeft(h, now);
            expect(Number.isNaN(left)).toBe(false);
            expect(left).toBeGreaterThanOrEqual(0);
            expect(left).toBeLessThanOrEqual(MAX_COOLDOWN_MS);
            const [status] = regionStatuses([region], health, now);
            if (status?.state === 'cooling') expect(status.until - now).toBe(left);
            else expect(left).toBe(0);
          }
        }
      }),
    );
  });

  it('keeps a cooldown only while the clock reads between the failure and its end', () => {
    const failedAt = 1_000_000_000;
    const health = recordFailure(NO_REGION_HEALTH, 'us-east-1', failedAt);
    const order = (now: number) => regionOrder(['us-east-1', 'us-west-2'], health, now);
    expect(order(failedAt)).toEqual(['us-west-2']);
    expect(order(failedAt + BASE_COOLDOWN_MS - 1)).toEqual(['us-west-2']);
    expect(order(failedAt + BASE_COOLDOWN_MS)).toEqual(['us-east-1', 'us-west-2']);
    // Before the failure the clock cannot be trusted: one early retry beats a region parked for an hour.
    expect(order(failedAt - 1)).toEqual(['us-east-1', 'us-west-2']);
    expect(order(failedAt - 3_600_000)).toEqual(['us-east-1', 'us-west-2']);
  });
});

describe('regionStatuses', () => {
  it('reports each region once, in priority order, cooling with its end time', () => {
    const health = recordFailure(NO_REGION_HEALTH, 'us-east-1', 1_000);
    expect(regionStatuses(['us-east-1', 'us-west-2', 'us-east-1'], health, 2_000)).toEqual([
      { region: 'us-east-1', state: 'cooling', consecutiveFailures: 1, until: 61_000 },
      { region: 'us-west-2', state: 'healthy', consecutiveFailures: 0 },
    ]);
    expect(regionStatuses(['us-east-1'], health, 61_000)).toEqual([{ region: 'us-east-1', state: 'healthy', consecutiveFailures: 1 }]);
  });
});
