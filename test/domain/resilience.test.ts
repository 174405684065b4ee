import fc from 'fast-check';
import { backoffDelay, fitsDeadline } from '../../src/domain/limits/backoff';
import { parseRetryAfter } from '../../src/domain/limits/retry-after';
import { depositRequest, initialBudget, trySpendRetry } from '../../src/domain/limits/retry-budget';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  it('stays within [0, min(cap, base·2^attempt)] unless Retry-After asks for more, and never below Retry-After', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 60_000 }), fc.nat(40), unit, fc.option(fc.nat(600_000), { nil: undefined }), (base, cap, attempt, r, retryAfter) => {
        const delay = backoffDelay({ baseMs: base, capMs: cap }, attempt, retryAfter, () => r);
        const ceiling = Math.min(cap, base * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(retryAfter ?? 0);
        expect(delay).toBeLessThanOrEqual(Math.max(ceiling, retryAfter ?? 0));
        expect(Number.isFinite(delay)).toBe(true);
      }),
    );
  });

  it('fitsDeadline refuses an attempt that could not finish in time', () => {
    expect(fitsDeadline(0, 100, 1_000, 200)).toBe(true);
    expect(fitsDeadline(0, 900, 1_000, 200)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it('reads seconds, milliseconds and HTTP dates, never negative (clock skew)', () => {
    expect(parseRetryAfter({ retryAfter: '2' }, now)).toBe(2_000);
    expect(parseRetryAfter({ retryAfterMs: '150', retryAfter: '9' }, now)).toBe(150);
    expect(parseRetryAfter({ retryAfter: 'Sun, 22 Nov 2026 10:00:05 GMT' }, now)).toBe(5_000);
    expect(parseRetryAfter({ retryAfter: 'Sun, 22 Nov 2026 09:55:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ retryAfter: 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('is bounded and non-negative for any numeric header', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (seconds) => {
        const ms = parseRetryAfter({ retryAfter: String(seconds) }, now);
        if (ms !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(600_000);
        }
      }),
    );
  });
});

describe('retry budget', () => {
  it('lets retries add at most ratio × requests + cap, whatever the failure pattern', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 50 }), fc.array(fc.nat(5), { maxLength: 500 }), (ratio, cap, wanted) => {
        const policy = { ratio, cap };
        let budget = initialBudget(policy);
        let retries = 0;
        for (const want of wanted) {
          budget = depositRequest(policy, budget);
          for (let i = 0; i < want; i++) {
            const spend = trySpendRetry(budget);
            budget = spend.budget;
            if (spend.allowed) retries++;
          }
          expect(budget).toBeGreaterThanOrEqual(0);
          expect(budget).toBeLessThanOrEqual(cap + ratio);
        }
        expect(retries).toBeLessThanOrEqual(cap + ratio * wanted.length + 1e-9);
      }),
    );
  });
});
