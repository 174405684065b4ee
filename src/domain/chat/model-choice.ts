import type { ModelSpec } from '../catalog/model-catalog';

export const MODEL_PREFERENCES = ['auto', 'fast', 'quality'] as const;
export type ModelPreference = (typeof MODEL_PREFERENCES)[number];

/** A catalog model as the chat sees it right now. */
export interface ModelCandidate {
  readonly spec: ModelSpec;
  /** A real vendor serves it (not the offline simulation). */
  readonly live: boolean;
  /** Its provider is not failing fast (circuit open). */
  readonly available: boolean;
}

/** Message sizes, in estimated tokens, at which `auto` asks for a stronger model. */
export interface AutoThresholds {
  /** Up to this: the cheapest model (greetings, one-line questions). */
  readonly smallTokens: number;
  /** Up to this: the cheapest model of at least tier 2; beyond: the strongest. */
  readonly largeTokens: number;
}

export interface ChoiceInput {
  readonly preference: ModelPreference;
  readonly candidates: readonly ModelCandidate[];
  readonly inputTokens: number;
  readonly messageTokens: number;
  /** The reply's token limit: what a call may cost at most. */
  readonly outputTokens: number;
  readonly thresholds: AutoThresholds;
}

export type ModelChoice =
  | {
      readonly ok: true;
      readonly model: ModelSpec;
      /** No real vendor is configured: the offline simulation answers. */
      readonly offline: boolean;
      /** The others that may take a retry, fastest first. */
      readonly retryOrder: readonly ModelSpec[];
    }
  /** Real vendors are configured but every one is failing fast: a simulated answer would pass for a real one. */
  | { readonly ok: false; readonly reason: 'all_models_down' | 'no_models' };

/** Nano-dollars the call costs at most: the estimated prompt in, the whole reply limit out. */
export const expectedCost = (spec: ModelSpec, inputTokens: number, outputTokens: number): number =>
  inputTokens * spec.inputPrice + outputTokens * spec.outputPrice;

const byKey = (a: ModelSpec, b: ModelSpec): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function cheapest(pool: readonly ModelSpec[], input: number, output: number): ModelSpec | undefined {
  return [...pool].sort((a, b) => expectedCost(a, input, output) - expectedCost(b, input, output) || a.tier - b.tier || byKey(a, b))[0];
}

function strongest(pool: readonly ModelSpec[], input: number, output: number): ModelSpec | undefined {
  return [...pool].sort((a, b) => b.tier - a.tier || expectedCost(a, input, output) - expectedCost(b, input, output) || byKey(a, b))[0];
}

/**
 * Fastest first. The catalog's tier stands in for speed (smaller models answer sooner), then its timeout;
 * measured latency would need more samples than one Lambda container ever sees (ADR 0017).
 */
export function bySpeed(pool: readonly ModelSpec[], input: number, output: number): readonly ModelSpec[] {
  return [...pool].sort((a, b) => a.tier - b.tier || a.timeoutMs - b.timeoutMs || expectedCost(a, input, output) - expectedCost(b, input, output) || byKey(a, b));
}

/** The tier `auto` asks for at this message size. */
export function requiredTier(messageTokens: number, t: AutoThresholds): 'any' | 'mid' | 'top' {
  if (messageTokens <= t.smallTokens) return 'any';
  if (messageTokens <= t.largeTokens) return 'mid';
  return 'top';
}

const MID_TIER = 2;

/**
 * Which model answers, from those that can: live and available ones when any vendor is configured, else the
 * offline simulation's. fast → the cheapest; quality → the strongest; auto → by the message's size.
 */
export function chooseModel(input: ChoiceInput): ModelChoice {
  const live = input.candidates.filter((c) => c.live);
  const pool = (live.length > 0 ? live.filter((c) => c.available) : input.candidates.filter((c) => c.available)).map((c) => c.spec);
  if (pool.length === 0) return { ok: false, reason: input.candidates.length > 0 ? 'all_models_down' : 'no_models' };
  const { inputTokens: i, outputTokens: o } = input;
  let model: ModelSpec | undefined;
  if (input.preference === 'fast') model = cheapest(pool, i, o);
  else if (input.preference === 'quality') model = strongest(pool, i, o);
  else {
    const tier = requiredTier(input.messageTokens, input.thresholds);
    if (tier === 'any') model = cheapest(pool, i, o);
    else if (tier === 'top') model = strongest(pool, i, o);
    else model = cheapest(pool.filter((m) => m.tier >= MID_TIER), i, o) ?? strongest(pool, i, o);
  }
  if (!model) return { ok: false, reason: 'no_models' };
  const chosen = model;
  return { ok: true, model: chosen, offline: live.length === 0, retryOrder: bySpeed(pool.filter((m) => m.key !== chosen.key), i, o) };
}
