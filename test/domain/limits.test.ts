import fc from 'fast-check';
import { fullBucket, giveBackTokens, takeFromAll, takeToken, takeTokens, type BucketDecision, type BucketPolicy, type BucketState } from '../../src/domain/limits/token-bucket';
import { estimateTokens, utf8Length } from '../../src/domain/limits/token-estimate';

const policy = fc.record({ capacity: fc.integer({ min: 1, max: 50 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
const start = fc.integer({ min: 0, max: 2_000_000_000_000 });
const FIVE_MIN = 5 * 60_000;
/** Steps between requests: forward only, or with clock skew of up to ±5 minutes. */
const steps = fc.oneof(
  fc.array(fc.nat(20_000), { maxLength: 200 }),
  fc.array(fc.integer({ min: -FIVE_MIN, max: FIVE_MIN }), { maxLength: 200 }),
  fc.array(fc.oneof(fc.constant(0), fc.nat(1_000), fc.integer({ min: -FIVE_MIN, max: 0 })), { maxLength: 200 }),
);

const timestamps = (t0: number, deltas: readonly number[]): number[] => {
  let t = t0;
  return deltas.map((d) => (t += d));
};

function run(p: BucketPolicy, t0: number, times: readonly number[]): BucketDecision[] {
  let state = fullBucket(p, t0);
  return times.map((now) => {
    const d = takeToken(p, state, now);
    state = d.state;
    return d;
  });
}

describe('takeToken', () => {
  it('never allows more than capacity + refill over the time span (+1), whatever the clock does', () => {
    fc.assert(
      fc.property(policy, start, steps, (p, t0, deltas) => {
        const times = timestamps(t0, deltas);
        const allowed = run(p, t0, times).filter((d) => d.allowed).length;
        const span = Math.max(t0, ...times) - Math.min(t0, ...times);
        expect(allowed).toBeLessThanOrEqual(p.capacity + (p.capacity * span) / p.windowMs + 1);
      }),
    );
  });

  it('reports a whole, non-negative retryAfterMs (0 when allowed) and remaining within [0, capacity)', () => {
    fc.assert(
      fc.property(policy, start, steps, (p, t0, deltas) => {
        for (const d of run(p, t0, timestamps(t0, deltas))) {
          expect(Number.isInteger(d.retryAfterMs) && d.retryAfterMs >= 0).toBe(true);
          if (d.allowed) expect(d.retryAfterMs).toBe(0);
          else expect(d.retryAfterMs).toBeGreaterThan(0);
          expect(d.remaining).toBeGreaterThanOrEqual(0);
          expect(d.remaining).toBeLessThan(p.capacity);
          expect(d.state.tokens).toBeGreaterThanOrEqual(0);
          expect(d.state.tokens).toBeLessThanOrEqual(p.capacity);
        }
      }),
    );
  });

  it('a backwards clock grants nothing extra: decisions equal those for the clock held at its latest value', () => {
    fc.assert(
      fc.property(policy, start, steps, (p, t0, deltas) => {
        const times = timestamps(t0, deltas);
        let latest = t0;
        const held = times.map((t) => (latest = Math.max(latest, t)));
        expect(run(p, t0, times).map((d) => [d.allowed, d.retryAfterMs])).toEqual(run(p, t0, held).map((d) => [d.allowed, d.retryAfterMs]));
      }),
    );
  });

  it('allows the next take once retryAfterMs (+1 ms of float slack) has passed, and retryAfterMs is the exact wait ±1 ms', () => {
    fc.assert(
      fc.property(policy, start, steps, (p, t0, deltas) => {
        let state = fullBucket(p, t0);
        for (const now of timestamps(t0, deltas)) {
          const d = takeToken(p, state, now);
          if (!d.allowed) {
            const at = d.state.updatedAt;
            expect(takeToken(p, d.state, at + d.retryAfterMs + 1).allowed).toBe(true);
            const exactWait = ((1 - d.state.tokens) * p.windowMs) / p.capacity;
            expect(d.retryAfterMs).toBeGreaterThanOrEqual(exactWait - 1e-6);
            expect(d.retryAfterMs).toBeLessThanOrEqual(Math.ceil(exactWait) + 1);
            if (exactWait > 2) expect(takeToken(p, d.state, at + Math.floor(exactWait) - 1).allowed).toBe(false);
          }
          state = d.state;
        }
      }),
    );
  });

  it('examples: a full bucket allows capacity takes at once, then refills evenly', () => {
    const p = { capacity: 3, windowMs: 3_000 };
    const ds = run(p, 0, [0, 0, 0, 0, 999, 1_000]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, false, false, true]);
    expect(ds.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0, 0]);
    expect(ds[3]!.retryAfterMs).toBe(1_000);
    expect(takeToken(p, { tokens: 0, updatedAt: 10_000 }, 5_000)).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
  });

  // Regression: (1 − tokens) / rate is ceil'ed, but tokens + retryAfterMs × rate can still round to
  // 0.9999999999999999, so the client that waits exactly retryAfterMs is refused again.
  it('allows the take at exactly retryAfterMs', () => {
    const p = { capacity: 1, windowMs: 84_190 };
    const [first, second] = run(p, 0, [0, 1_706]);
    expect(first!.allowed).toBe(true);
    expect(second).toMatchObject({ allowed: false, retryAfterMs: 82_484 });
    expect(takeToken(p, second!.state, 1_706 + 82_484).allowed).toBe(true);
  });
});

describe('takeTokens (N at once) and takeFromAll', () => {
  const bigPolicy = fc.record({ capacity: fc.integer({ min: 1, max: 100_000 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
  const takes = fc.array(fc.tuple(fc.integer({ min: -FIVE_MIN, max: FIVE_MIN }), fc.double({ min: 0, max: 1.5, noNaN: true })), { maxLength: 100 });

  it('never grants more tokens than capacity + refill over the time span, whatever the clock and the costs', () => {
    fc.assert(
      fc.property(bigPolicy, start, takes, (p, t0, steps) => {
        let state = fullBucket(p, t0);
        let now = t0;
        let granted = 0;
        let latest = t0;
        for (const [dt, share] of steps) {
          now += dt;
          latest = Math.max(latest, now);
          const cost = Math.round(share * p.capacity);
          const d = takeTokens(p, state, now, cost);
          if (d.allowed) granted += cost;
          state = d.state;
        }
        expect(granted).toBeLessThanOrEqual(p.capacity + (p.capacity * (latest - t0)) / p.windowMs + 1e-6 * p.capacity);
      }),
    );
  });

  it('refuses any cost above the capacity, and reports whole non-negative waits and resets', () => {
    fc.assert(
      fc.property(bigPolicy, start, fc.integer({ min: 1, max: 1_000 }), (p, t0, extra) => {
        const full = fullBucket(p, t0);
        const d = takeTokens(p, full, t0, p.capacity + extra);
        expect(d.allowed).toBe(false);
        expect(d.retryAfterMs).toBeGreaterThan(0);
        const all = takeTokens(p, full, t0, p.capacity);
        expect(all).toMatchObject({ allowed: true, remaining: 0 });
        expect(Number.isInteger(all.resetMs)).toBe(true);
        // After resetMs the bucket is full again.
        expect(takeTokens(p, all.state, t0 + all.resetMs, p.capacity).allowed).toBe(true);
      }),
    );
  });

  it('takeFromAll takes every cost when each bucket holds it, and nothing at all otherwise', () => {
    const bucket = fc.record({ policy: bigPolicy, fill: fc.double({ min: 0, max: 1, noNaN: true }), share: fc.double({ min: 0, max: 1.2, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(bucket, { minLength: 1, maxLength: 4 }), start, fc.nat(120_000), (specs, t0, dt) => {
        const now = t0 + dt;
        const input = specs.map((b) => ({
          policy: b.policy,
          state: { tokens: b.fill * b.policy.capacity, updatedAt: t0 } satisfies BucketState,
          cost: Math.round(b.share * b.policy.capacity),
        }));
        const combined = takeFromAll(input, now);
        const alone = input.map((b) => takeTokens(b.policy, b.state, now, b.cost));
        expect(combined.allowed).toBe(alone.every((d) => d.allowed));
        combined.decisions.forEach((d, i) => {
          const b = input[i]!;
          const expected = combined.allowed ? alone[i]! : takeTokens(b.policy, b.state, now, 0);
          expect(d.state).toEqual(expected.state);
          expect(d.allowed).toBe(alone[i]!.allowed);
          expect(d.retryAfterMs).toBe(alone[i]!.retryAfterMs);
        });
      }),
    );
  });

  it('examples: 30 + 70 of 100 fit, one more does not; a refused take leaves the bucket as it was', () => {
    const p = { capacity: 100, windowMs: 60_000 };
    const a = takeTokens(p, fullBucket(p, 0), 0, 30);
    const b = takeTokens(p, a.state, 0, 70);
    const c = takeTokens(p, b.state, 0, 1);
    expect([a.remaining, b.remaining, c.allowed, c.retryAfterMs, b.resetMs]).toEqual([70, 0, false, 600, 60_000]);
    const d = takeFromAll([{ policy: p, state: a.state, cost: 1 }, { policy: { capacity: 1, windowMs: 1_000 }, state: { tokens: 0, updatedAt: 0 }, cost: 1 }], 0);
    expect(d.allowed).toBe(false);
    expect(d.decisions.map((x) => x.remaining)).toEqual([70, 0]);
  });
});

const cjkChar = fc
  .oneof(
    fc.integer({ min: 0x3040, max: 0x30ff }),
    fc.integer({ min: 0x4e00, max: 0x9fff }),
    fc.integer({ min: 0xac00, max: 0xd7af }),
    fc.integer({ min: 0x20000, max: 0x2fa1f }),
  )
  .map((cp) => String.fromCodePoint(cp));
const cjk = fc.array(cjkChar, { maxLength: 100 }).map((cs) => cs.join(''));
const latin = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCXYZ.,!?0123456789éü'), maxLength: 400 });
/** Scripts a byte-level tokenizer splits about a token a character or finer: Cyrillic, Greek, Arabic, Devanagari, Thai, emoji. */
const denseChar = fc
  .oneof(fc.integer({ min: 0x0370, max: 0x03ff }), fc.integer({ min: 0x0400, max: 0x04ff }), fc.integer({ min: 0x0600, max: 0x06ff }), fc.integer({ min: 0x0900, max: 0x097f }), fc.integer({ min: 0x0e00, max: 0x0e7f }), fc.integer({ min: 0x1f300, max: 0x1faff }))
  .map((cp) => String.fromCodePoint(cp));
const dense = fc.array(denseChar, { maxLength: 100 }).map((cs) => cs.join(''));
const text = fc.oneof(cjk, latin, dense, fc.string({ unit: 'grapheme', maxLength: 100 }), fc.tuple(cjk, latin).map(([a, b]) => a + b));

describe('giveBackTokens', () => {
  const bigPolicy = fc.record({ capacity: fc.integer({ min: 1, max: 100_000 }), windowMs: fc.integer({ min: 1, max: 600_000 }) });
  const steps = fc.array(fc.tuple(fc.integer({ min: -FIVE_MIN, max: FIVE_MIN }), fc.boolean(), fc.double({ min: 0, max: 1.5, noNaN: true })), { maxLength: 60 });

  it('never lets a bucket hold more than its capacity, nor grant more than it took back plus refill', () => {
    fc.assert(
      fc.property(bigPolicy, start, steps, (p, t0, list) => {
        let state = fullBucket(p, t0);
        let now = t0;
        let latest = t0;
        let granted = 0;
        let returned = 0;
        for (const [dt, give, share] of list) {
          now += dt;
          latest = Math.max(latest, now);
          const n = Math.round(share * p.capacity);
          if (give) {
            // Only what was taken and not yet returned can honestly come back.
            const back = Math.min(n, granted - returned);
            state = giveBackTokens(p, state, now, back);
            returned += back;
          } else {
            const d = takeTokens(p, state, now, n);
            if (d.allowed) granted += n;
            state = d.state;
          }
          expect(state.tokens).toBeLessThanOrEqual(p.capacity);
          expect(state.tokens).toBeGreaterThanOrEqual(0);
        }
        expect(granted - returned).toBeLessThanOrEqual(p.capacity + (p.capacity * (latest - t0)) / p.windowMs + 1e-6 * p.capacity);
      }),
    );
  });

  it('examples: 70 taken, 30 back leaves 60; a full bucket gains nothing; a negative amount is nothing', () => {
    const p = { capacity: 100, windowMs: 60_000 };
    const taken = takeTokens(p, fullBucket(p, 0), 0, 70).state;
    expect(giveBackTokens(p, taken, 0, 30)).toEqual({ tokens: 60, updatedAt: 0 });
    expect(giveBackTokens(p, fullBucket(p, 0), 0, 30)).toEqual({ tokens: 100, updatedAt: 0 });
    expect(giveBackTokens(p, taken, 0, -5)).toEqual({ tokens: 30, updatedAt: 0 });
    // Refill first: 30 s later 50 are back by themselves, so 30 more fill it up to 100 only.
    expect(giveBackTokens(p, taken, 30_000, 30)).toEqual({ tokens: 100, updatedAt: 30_000 });
  });
});

describe('estimateTokens', () => {
  it('counts one token per CJK character (astral ones included)', () => {
    fc.assert(fc.property(cjk, (s) => expect(estimateTokens(s)).toBe([...s].length)));
  });

  it('counts ceil(length / 4) for Latin text', () => {
    fc.assert(fc.property(latin, (s) => expect(estimateTokens(s)).toBe(Math.ceil(s.length / 4))));
  });

  it('adds the two rules for mixed text', () => {
    fc.assert(fc.property(cjk, latin, (a, b) => expect(estimateTokens(a + b)).toBe([...a].length + Math.ceil(b.length / 4))));
  });

  it('never shrinks when text is appended, and never more than the sum of the parts', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const ab = estimateTokens(a + b);
        expect(ab).toBeGreaterThanOrEqual(estimateTokens(a));
        expect(ab).toBeGreaterThanOrEqual(estimateTokens(b));
        expect(ab).toBeLessThanOrEqual(estimateTokens(a) + estimateTokens(b));
      }),
    );
  });

  it('counts a token a character for every other script, emoji included', () => {
    fc.assert(fc.property(dense, (s) => expect(estimateTokens(s)).toBe([...s].length)));
  });

  it('counts code points as a string iterator yields them, lone surrogates and all', () => {
    const reference = (s: string) => {
      let denseCount = 0;
      let latinCount = 0;
      for (const ch of s) {
        if ((ch.codePointAt(0) ?? 0) < 0x250) latinCount++;
        else denseCount++;
      }
      return denseCount + Math.ceil(latinCount / 4);
    };
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), text), (s) => expect(estimateTokens(s)).toBe(reference(s))), { numRuns: 1_000 });
    expect(estimateTokens('\ud840\udc00\ud840')).toBe(2);
    // The edge of Latin: U+024F (the last of Latin Extended-B) is Latin, U+0250 (IPA) is not.
    expect(estimateTokens('\u024f'.repeat(4))).toBe(1);
    expect(estimateTokens('\u0250'.repeat(4))).toBe(4);
  });

  it('examples', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('雲のことわざ')).toBe(6);
    expect(estimateTokens('클라우드')).toBe(4);
    expect(estimateTokens('облако')).toBe(6);
    expect(estimateTokens('เมฆ')).toBe(3);
    expect(estimateTokens('☁️')).toBe(2);
  });
});

describe('utf8Length', () => {
  it('is the length Buffer encodes, for any string (a lone surrogate as U+FFFD)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), text), (s) => expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'))), { numRuns: 1_000 });
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('\udc00\ud800')).toBe(6);
  });

  it('is never below the estimate: the bound a budget holds covers what the limits expect', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), text), (s) => expect(utf8Length(s)).toBeGreaterThanOrEqual(estimateTokens(s))));
  });
});
