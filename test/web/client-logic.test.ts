import fc from 'fast-check';
import { DEFAULT_FILTERS, filtersToSearch, readFilters, statsQuery, WINDOWS, type Filters, type WindowKey } from '../../src/entrypoints/web/client/dashboard/filters';
import { formatCount, formatMs, formatPercent, formatUsd } from '../../src/entrypoints/web/client/format';
import { VoteKeys } from '../../src/entrypoints/web/client/vote-keys';

/** The browser code's DOM-free parts, run in Node. */
describe('dashboard filters', () => {
  const filters: fc.Arbitrary<Filters> = fc.record({
    window: fc.constantFrom(...(Object.keys(WINDOWS) as WindowKey[])),
    vendor: fc.constantFrom('' as const, 'anthropic' as const, 'openai' as const, 'bedrock' as const),
    model: fc.oneof(fc.constant(''), fc.constantFrom('haiku', 'sonnet', 'gpt-4.1', 'gpt-4.1-mini', 'bedrock-claude-3-haiku')),
  });

  it('survive a round trip through the page URL', () => {
    fc.assert(fc.property(filters, (f) => expect(readFilters(filtersToSearch(f))).toEqual(f)));
  });

  it('ignore what they do not recognise', () => {
    expect(readFilters('?window=99y&vendor=acme&model=%3Cscript%3E')).toEqual(DEFAULT_FILTERS);
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe('');
  });

  it('ask /stats for exactly the chosen window, ending now', () => {
    fc.assert(
      fc.property(filters, fc.integer({ min: 1e12, max: 2e12 }), (f, now) => {
        const q = statsQuery(f, now);
        expect(Number(q.get('to'))).toBe(now);
        expect(now - Number(q.get('from'))).toBe(WINDOWS[f.window].ms);
        expect(q.get('vendor')).toBe(f.vendor === '' ? null : f.vendor);
        expect(q.get('model')).toBe(f.model === '' ? null : f.model);
      }),
    );
  });
});

describe('vote idempotency keys', () => {
  it('are one per saying and vote, reused on retry, and valid Idempotency-Key values', () => {
    const keys = new VoteKeys();
    const up = keys.keyFor('c-1', 'POSITIVE');
    expect(keys.keyFor('c-1', 'POSITIVE')).toBe(up);
    expect(keys.keyFor('c-1', 'NEGATIVE')).not.toBe(up);
    expect(keys.keyFor('c-2', 'POSITIVE')).not.toBe(up);
    expect(up).toMatch(/^[\x21-\x7e]{1,128}$/);
  });
});

describe('display formats', () => {
  it('reads times, money, counts and ratios the same way everywhere', () => {
    expect(formatMs(0.41)).toBe('0.41 ms');
    expect(formatMs(412.3)).toBe('412 ms');
    expect(formatMs(2345)).toBe('2.35 s');
    expect(formatMs(null)).toBe('—');
    expect(formatUsd(0.000185)).toBe('$0.000185');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatCount(1195)).toBe('1,195');
    expect(formatPercent(0.755)).toBe('76%');
    expect(formatPercent(null)).toBe('—');
  });
});
