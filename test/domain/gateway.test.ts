import fc from 'fast-check';
import { buildCatalog, type ModelSpec } from '../../src/domain/catalog/model-catalog';
import { costOf } from '../../src/domain/cost/cost';
import { cacheKeyText, canonicalJson } from '../../src/domain/gateway/cache-key';
import { keyUsage } from '../../src/domain/gateway/key-usage';
import { effectiveMaxTokens, estimatePromptTokens, estimateRequest, maxPromptTokens, outputLimit } from '../../src/domain/gateway/request-budget';
import { channelBreakdown } from '../../src/domain/stats/channels';
import { echoable } from '../../src/domain/text/echo';
import { USAGE_CHANNELS, type UsageEntry } from '../../src/domain/usage/usage-entry';
import { nestsDeeperThan } from '../../src/entrypoints/http/core/json-depth';
import { duration } from '../../src/entrypoints/http/routes/gateway/rate-limit-headers';

const models = [...buildCatalog().values()];
const model = fc.constantFrom(...models);

/** Same JSON value, keys inserted in another order at every depth. */
function reorder(value: unknown, flip: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, flip));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, reorder(v, !flip)] as const);
  return Object.fromEntries(flip ? entries.reverse() : entries);
}

describe('the cache key', () => {
  it('is the same text for the same value whatever the order of its keys, and reads back as that value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reorder(value, true))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('differs between scopes (keys), between what serves the model, and between any two different requests', () => {
    const messages = fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: fc.string() }), { minLength: 1, maxLength: 4 });
    const servedBy = fc.record({ vendorModelId: fc.constantFrom('gpt-4.1', 'gpt-4.1-2026'), provider: fc.constantFrom('openai', 'offline'), offline: fc.boolean() });
    const input = fc.record({ scope: fc.string({ minLength: 1 }), model: fc.constantFrom('haiku', 'gpt-4.1'), servedBy, messages, maxTokens: fc.nat(), options: fc.dictionary(fc.string(), fc.jsonValue()) });
    fc.assert(
      fc.property(input, input, (a, b) => {
        const same = JSON.stringify(JSON.parse(canonicalJson(a))) === JSON.stringify(JSON.parse(canonicalJson(b)));
        expect(cacheKeyText(a) === cacheKeyText(b)).toBe(same);
        expect(cacheKeyText(a)).not.toBe(cacheKeyText({ ...a, scope: `${a.scope}x` }));
        // Another vendor id, provider or the simulation behind the same catalog key is another answer.
        expect(cacheKeyText(a)).not.toBe(cacheKeyText({ ...a, servedBy: { ...a.servedBy, offline: !a.servedBy.offline } }));
        expect(cacheKeyText(a)).not.toBe(cacheKeyText({ ...a, servedBy: { ...a.servedBy, vendorModelId: `${a.servedBy.vendorModelId}-next` } }));
      }),
    );
  });
});

describe('the request budget', () => {
  it('clamps max_tokens to [1, the model’s output limit], keeping what fits', () => {
    fc.assert(
      fc.property(model, fc.option(fc.integer({ min: 1, max: 2_000_000_000 }), { nil: undefined }), fc.integer({ min: 1, max: 100_000 }), (spec, requested, fallback) => {
        const max = effectiveMaxTokens(requested, spec, fallback);
        expect(max).toBeGreaterThanOrEqual(1);
        expect(max).toBeLessThanOrEqual(outputLimit(spec));
        expect(max).toBe(Math.min(requested ?? fallback, outputLimit(spec)));
      }),
    );
  });

  it('reserves at least what any answer within max_tokens costs, for input up to one token a UTF-8 byte', () => {
    const texts = fc.array(fc.record({ content: fc.string({ unit: 'grapheme', maxLength: 200 }) }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(model, texts, fc.integer({ min: 1, max: 4_096 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (spec: ModelSpec, messages, maxTokens, inShare, outShare) => {
        const estimate = estimateRequest(spec, messages, maxTokens);
        expect(estimate.inputTokens).toBe(estimatePromptTokens(messages));
        expect(estimate.rateTokens).toBe(estimate.inputTokens + maxTokens);
        const bound = maxPromptTokens(messages);
        expect(bound).toBe(messages.reduce((sum, m) => sum + Buffer.byteLength(m.content) + 4, 3));
        expect(bound).toBeGreaterThanOrEqual(estimate.inputTokens);
        const actual = costOf(spec, { inputTokens: Math.floor(inShare * bound), outputTokens: Math.floor(outShare * maxTokens) }) ?? 0;
        expect(Number.isSafeInteger(estimate.reserveNano)).toBe(true);
        expect(actual).toBeLessThanOrEqual(estimate.reserveNano);
      }),
    );
  });

  it('examples: CJK counts a token a character; every message adds 4, the reply 3', () => {
    expect(estimatePromptTokens([{ content: '雲のことわざ' }])).toBe(6 + 4 + 3);
    expect(estimatePromptTokens([{ content: 'abcd' }, { content: '' }])).toBe(1 + 4 + 0 + 4 + 3);
    const mini = buildCatalog().get('gpt-4.1-mini');
    if (!mini) throw new Error('catalog');
    // Expected 1 + 4 + 3 input tokens; held: 4 bytes + 4 + 3, plus the 10 output tokens, at 1,000 n$ a token.
    expect(estimateRequest(mini, [{ content: 'abcd' }], 10)).toEqual({ inputTokens: 8, rateTokens: 18, reserveNano: 21_000 });
    // Thai: a token a character expected, three bytes a character held.
    expect(estimateRequest(mini, [{ content: 'เมฆ' }], 10)).toEqual({ inputTokens: 3 + 7, rateTokens: 20, reserveNano: (9 + 7 + 10) * 1_000 });
  });
});

const entry = fc.record({
  id: fc.uuid(),
  at: fc.integer({ min: 0, max: 1_000 }),
  channel: fc.constantFrom(...USAGE_CHANNELS),
  source: fc.constant('none' as const),
  vendor: fc.constantFrom('openai' as const, 'anthropic' as const, undefined),
  model: fc.constantFrom('haiku', 'gpt-4.1', undefined),
  provider: fc.constant(undefined),
  offline: fc.boolean(),
  keyId: fc.constantFrom('a', 'b', undefined),
  latencyMs: fc.nat(1_000),
  cacheHit: fc.boolean(),
  status: fc.constantFrom('ok' as const, 'error' as const),
  spend: fc.option(
    fc.record({ inputTokens: fc.option(fc.nat(1_000), { nil: undefined }), outputTokens: fc.option(fc.nat(1_000), { nil: undefined }), costNano: fc.option(fc.nat(1_000_000), { nil: undefined }), estimated: fc.boolean(), llmLatencyMs: fc.nat(1_000) }),
    { nil: undefined },
  ),
  partial: fc.option(fc.boolean(), { nil: undefined }),
}) as fc.Arbitrary<UsageEntry>;

describe('a key’s usage', () => {
  it('counts only that key’s gateway entries in the window, and its rows add up to its totals', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.constantFrom('a', 'b'), fc.nat(1_000), fc.nat(1_000), (entries, keyId, x, y) => {
        const range = { from: Math.min(x, y), to: Math.max(x, y) };
        const usage = keyUsage(entries, keyId, range);
        const mine = entries.filter((e) => e.channel === 'gateway' && e.keyId === keyId && e.at >= range.from && e.at <= range.to);
        expect(usage.totals.requests).toBe(mine.length);
        expect(usage.totals.costNano).toBe(mine.reduce((s, e) => s + (e.spend?.costNano ?? 0), 0));
        expect(usage.models.reduce((s, m) => s + m.requests, 0)).toBe(usage.totals.requests);
        expect(usage.models.reduce((s, m) => s + m.costNano, 0)).toBe(usage.totals.costNano);
        expect(usage.models.reduce((s, m) => s + m.inputTokens + m.outputTokens, 0)).toBe(usage.totals.inputTokens + usage.totals.outputTokens);
        // Nothing of another key can change it.
        const others = entries.filter((e) => e.keyId !== keyId).map((e) => ({ ...e, spend: e.spend && { ...e.spend, costNano: 999 } }));
        expect(keyUsage([...mine, ...others], keyId, range)).toEqual(usage);
      }),
    );
  });

  it('splits the stats totals by channel exactly: every channel a row, the rows adding up', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const rows = channelBreakdown(entries);
        expect(rows.map((r) => r.channel)).toEqual([...USAGE_CHANNELS]);
        expect(rows.reduce((s, r) => s + r.costNano, 0)).toBe(entries.reduce((s, e) => s + (e.spend?.costNano ?? 0), 0));
        expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(entries.filter((e) => e.channel !== 'sayings-build').length);
      }),
    );
  });
});

describe('input the gateway refuses to repeat or parse', () => {
  it('measures JSON nesting as the parsed value has it, brackets in strings not counted', () => {
    const depth = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depth)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, max) => {
        expect(nestsDeeperThan(Buffer.from(JSON.stringify(value)), max)).toBe(depth(value) > max);
      }),
    );
    expect(nestsDeeperThan(Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), 32)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ a: '[[[[[[{{{{\\"' })), 1)).toBe(false);
  });

  it('never echoes anything key-shaped, whatever surrounds it', () => {
    const secret = fc.oneof(
      fc.stringMatching(/^sk-[A-Za-z0-9]{8,30}$/),
      fc.stringMatching(/^cs_[A-Za-z0-9]{8,30}$/),
      fc.stringMatching(/^[A-Za-z0-9]{20,40}$/),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), secret, fc.string({ maxLength: 10 }), (before, key, after) => {
        expect(echoable(`${before}${key}${after}`)).toBeUndefined();
      }),
    );
    for (const name of ['haiku', 'gpt-4.1-mini', 'anthropic.claude-3-sonnet-20240229-v1:0', 'messages[0].name', 'frobnicate']) expect(echoable(name)).toBe(name);
  });

  it('writes rate-limit resets as OpenAI does', () => {
    expect([duration(0), duration(20.2), duration(1_000), duration(1_500), duration(59_999), duration(360_000), duration(61_250)]).toEqual(['0ms', '21ms', '1s', '1.5s', '59.999s', '6m0s', '1m1.25s']);
  });
});
