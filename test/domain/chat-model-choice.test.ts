import fc from 'fast-check';
import { buildCatalog, type ModelSpec } from '../../src/domain/catalog/model-catalog';
import { firstAttemptMs, retryAttemptMs, type DeadlineSplit } from '../../src/domain/chat/chat-deadline';
import { bySpeed, chooseModel, expectedCost, requiredTier, type ChoiceInput, type ModelCandidate } from '../../src/domain/chat/model-choice';

const spec = (i: number, tier: number, inputPrice: number, outputPrice: number, timeoutMs: number): ModelSpec => ({
  key: `m${i}`, vendor: 'openai', displayName: `Model ${i}`, vendorModelId: `vendor-m${i}`,
  inputPrice, outputPrice, maxTokens: 400, temperature: 0.3, timeoutMs, tier,
});

/** A catalog of 1–8 models with arbitrary tiers, prices and liveness. */
const candidates = fc
  .array(
    fc.record({
      tier: fc.integer({ min: 1, max: 5 }),
      inputPrice: fc.integer({ min: 1, max: 20_000 }),
      outputPrice: fc.integer({ min: 1, max: 20_000 }),
      timeoutMs: fc.integer({ min: 1_000, max: 30_000 }),
      live: fc.boolean(),
      available: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((rows): ModelCandidate[] => rows.map((r, i) => ({ spec: spec(i, r.tier, r.inputPrice, r.outputPrice, r.timeoutMs), live: r.live, available: r.available })));

const inputs = fc.record({
  preference: fc.constantFrom('auto' as const, 'fast' as const, 'quality' as const),
  candidates,
  inputTokens: fc.integer({ min: 1, max: 50_000 }),
  messageTokens: fc.integer({ min: 1, max: 5_000 }),
  outputTokens: fc.integer({ min: 1, max: 4_000 }),
  thresholds: fc.tuple(fc.nat(1_000), fc.nat(1_000)).map(([a, b]) => ({ smallTokens: Math.min(a, b), largeTokens: Math.max(a, b) })),
});

/** What the rule may choose from: live and available models when any vendor is live, else the simulation's. */
const poolOf = (input: ChoiceInput): ModelSpec[] => {
  const live = input.candidates.filter((c) => c.live);
  return (live.length > 0 ? live : input.candidates).filter((c) => c.available).map((c) => c.spec);
};
const cost = (input: ChoiceInput) => (m: ModelSpec) => expectedCost(m, input.inputTokens, input.outputTokens);

describe('cost-aware model choice', () => {
  it('only ever chooses a model that can answer: live and available when any vendor is live, never one failing fast', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const choice = chooseModel(input);
        const pool = poolOf(input);
        if (pool.length === 0) return expect(choice).toEqual({ ok: false, reason: 'all_models_down' });
        if (!choice.ok) throw new Error('no choice from a non-empty pool');
        expect(pool).toContain(choice.model);
        expect(choice.offline).toBe(!input.candidates.some((c) => c.live));
      }),
    );
  });

  it('fast → the cheapest model for this request (expected cost of the prompt and the whole reply limit)', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        const input = { ...raw, preference: 'fast' as const };
        const choice = chooseModel(input);
        if (!choice.ok) return;
        expect(cost(input)(choice.model)).toBe(Math.min(...poolOf(input).map(cost(input))));
      }),
    );
  });

  it('quality → the strongest model (highest tier), the cheapest of those on a tie', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        const input = { ...raw, preference: 'quality' as const };
        const choice = chooseModel(input);
        if (!choice.ok) return;
        const pool = poolOf(input);
        const top = Math.max(...pool.map((m) => m.tier));
        expect(choice.model.tier).toBe(top);
        expect(cost(input)(choice.model)).toBe(Math.min(...pool.filter((m) => m.tier === top).map(cost(input))));
      }),
    );
  });

  it('auto → by message size: small messages the cheapest, mid-size the cheapest of tier ≥ 2 (else the strongest), large the strongest', () => {
    fc.assert(
      fc.property(inputs, (raw) => {
        const input = { ...raw, preference: 'auto' as const };
        const choice = chooseModel(input);
        if (!choice.ok) return;
        const pool = poolOf(input);
        const tier = requiredTier(input.messageTokens, input.thresholds);
        const top = Math.max(...pool.map((m) => m.tier));
        if (tier === 'any') expect(cost(input)(choice.model)).toBe(Math.min(...pool.map(cost(input))));
        if (tier === 'top') expect(choice.model.tier).toBe(top);
        if (tier === 'mid') {
          const mid = pool.filter((m) => m.tier >= 2);
          if (mid.length > 0) expect(cost(input)(choice.model)).toBe(Math.min(...mid.map(cost(input))));
          else expect(choice.model.tier).toBe(top);
        }
      }),
    );
  });

  it('auto never asks for a weaker tier as the message grows', () => {
    const order = { any: 0, mid: 1, top: 2 } as const;
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(1_000), fc.nat(1_000), (a, b, s, l) => {
        const t = { smallTokens: Math.min(s, l), largeTokens: Math.max(s, l) };
        expect(order[requiredTier(Math.min(a, b), t)]).toBeLessThanOrEqual(order[requiredTier(Math.max(a, b), t)]);
      }),
    );
  });

  it('the retry order holds every other model of the pool once, fastest first', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const choice = chooseModel(input);
        if (!choice.ok) return;
        const others = poolOf(input).filter((m) => m.key !== choice.model.key);
        expect([...choice.retryOrder].map((m) => m.key).sort()).toEqual(others.map((m) => m.key).sort());
        expect(choice.retryOrder).toEqual(bySpeed(others, input.inputTokens, input.outputTokens));
        for (let i = 1; i < choice.retryOrder.length; i++) {
          const [prev, next] = [choice.retryOrder[i - 1] as ModelSpec, choice.retryOrder[i] as ModelSpec];
          expect(prev.tier < next.tier || (prev.tier === next.tier && prev.timeoutMs <= next.timeoutMs)).toBe(true);
        }
      }),
    );
  });

  it('on the real catalog: fast picks Claude 3 Haiku (Bedrock) for a short prompt, quality picks Sonnet 4.5, a model down is skipped', () => {
    const all = [...buildCatalog().values()].map((s): ModelCandidate => ({ spec: s, live: true, available: true }));
    const base = { inputTokens: 400, messageTokens: 10, outputTokens: 400, thresholds: { smallTokens: 60, largeTokens: 400 } };
    const pick = (preference: 'auto' | 'fast' | 'quality', c = all, messageTokens = 10) => {
      const choice = chooseModel({ ...base, preference, candidates: c, messageTokens });
      return choice.ok ? choice.model.key : choice.reason;
    };
    expect(pick('fast')).toBe('bedrock-claude-3-haiku');
    expect(pick('quality')).toBe('sonnet');
    expect(pick('auto', all, 10)).toBe('bedrock-claude-3-haiku');
    expect(pick('auto', all, 200)).toBe('haiku');
    expect(pick('auto', all, 2_000)).toBe('sonnet');
    const sonnetDown = all.map((c) => (c.spec.key === 'sonnet' ? { ...c, available: false } : c));
    expect(['gpt-4.1', 'bedrock-claude-3-sonnet']).toContain(pick('quality', sonnetDown));
    expect(pick('fast', all.map((c) => ({ ...c, available: false })))).toBe('all_models_down');
    // Only OpenAI live: the Anthropic and Bedrock models are the offline simulation's and are not chosen.
    const openAiOnly = all.map((c) => ({ ...c, live: c.spec.vendor === 'openai' }));
    expect(pick('quality', openAiOnly)).toBe('gpt-4.1');
    expect(pick('fast', openAiOnly)).toBe('gpt-4.1-mini');
  });
});

describe('the sync path deadline split', () => {
  const splits = fc.record({ retryReserveMs: fc.nat(3_000), writeReserveMs: fc.nat(1_000), minAttemptMs: fc.integer({ min: 1, max: 1_000 }) });

  it('the first call ends before the write reserve, within the model timeout, and leaves the retry reserve whenever that still leaves it a minimum', () => {
    fc.assert(
      fc.property(splits, fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 30_000 }), (split: DeadlineSplit, now, ahead, timeout) => {
        const deadline = now + ahead;
        const first = firstAttemptMs(now, deadline, split, timeout);
        const usable = deadline - split.writeReserveMs - now;
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThanOrEqual(Math.max(0, usable));
        expect(first).toBeLessThanOrEqual(timeout);
        if (usable < split.minAttemptMs) expect(first).toBe(0);
        if (usable - split.retryReserveMs >= split.minAttemptMs) expect(first).toBeLessThanOrEqual(usable - split.retryReserveMs);
      }),
    );
  });

  it('the retry gets what is left before the write reserve, or nothing when that is under the minimum', () => {
    fc.assert(
      fc.property(splits, fc.nat(10_000), fc.integer({ min: -2_000, max: 10_000 }), fc.integer({ min: 1, max: 30_000 }), (split, now, ahead, timeout) => {
        const deadline = now + ahead;
        const retry = retryAttemptMs(now, deadline, split, timeout);
        const usable = deadline - split.writeReserveMs - now;
        if (usable < split.minAttemptMs) expect(retry).toBe(0);
        else expect(retry).toBe(Math.floor(Math.min(usable, timeout)));
      }),
    );
  });

  it('seed 002 defaults: 3 s total leaves the first call 2,050 ms and, after it times out, the retry 800 ms', () => {
    const split = { retryReserveMs: 800, writeReserveMs: 150, minAttemptMs: 250 };
    expect(firstAttemptMs(0, 3_000, split, 10_000)).toBe(2_050);
    expect(retryAttemptMs(2_050, 3_000, split, 10_000)).toBe(800);
    expect(retryAttemptMs(2_700, 3_000, split, 10_000)).toBe(0);
  });
});
