import type { NanoUsdPerToken } from '../cost/money';

export type Vendor = 'anthropic' | 'openai' | 'bedrock';

/** The four models the sayings flow draws from, by catalog key. */
export const SAYING_MODEL_KEYS = ['haiku', 'sonnet', 'gpt-4.1', 'gpt-4.1-mini'] as const;
export type SayingModelKey = (typeof SAYING_MODEL_KEYS)[number];

export interface ModelSpec {
  /** Catalog key, e.g. `haiku`. */
  readonly key: string;
  readonly vendor: Vendor;
  /** How people see it: `Claude Haiku 4.5`. */
  readonly displayName: string;
  /** The vendor's model id sent upstream. */
  readonly vendorModelId: string;
  readonly inputPrice: NanoUsdPerToken;
  readonly outputPrice: NanoUsdPerToken;
  /** Output tokens per sayings call. */
  readonly maxTokens: number;
  /** The model's own output limit, which gateway requests are clamped to (`maxTokens` when absent). */
  readonly maxOutputTokens?: number;
  readonly temperature: number;
  readonly timeoutMs: number;
  /** Relative strength, used by cost-aware choice: higher is stronger. */
  readonly tier: number;
  /** Bedrock only: the Converse API, or Claude's own Messages body through InvokeModel. */
  readonly bedrockApi?: 'converse' | 'invoke-claude';
  /** The day (`YYYY-MM-DD`, UTC) the vendor retires `vendorModelId`, when it has said so. */
  readonly retiresOn?: string;
}

export type ModelCatalog = ReadonlyMap<string, ModelSpec>;

/*
 * Prices are nano-dollars per token. The seed quotes one average per 1K tokens for the sayings models
 * (e.g. Haiku $0.0025 / 1K = 2,500 n$/token) and is used for both directions until configuration says
 * otherwise; Bedrock's Claude 3 prices are per 1M tokens, split by direction.
 */
const DEFAULT_SPECS: readonly ModelSpec[] = [
  {
    key: 'haiku', vendor: 'anthropic', displayName: 'Claude Haiku 4.5', vendorModelId: 'claude-haiku-4-5',
    inputPrice: 2_500, outputPrice: 2_500, maxTokens: 400, maxOutputTokens: 64_000, temperature: 0.9, timeoutMs: 10_000, tier: 2,
  },
  {
    key: 'sonnet', vendor: 'anthropic', displayName: 'Claude Sonnet 4.5', vendorModelId: 'claude-sonnet-4-5',
    inputPrice: 15_000, outputPrice: 15_000, maxTokens: 400, maxOutputTokens: 64_000, temperature: 0.9, timeoutMs: 20_000, tier: 4,
    // As the deprecation table of @anthropic-ai/sdk 1.12 gives it (ADR 0023).
    retiresOn: '2026-11-30',
  },
  {
    key: 'gpt-4.1', vendor: 'openai', displayName: 'GPT-4.1', vendorModelId: 'gpt-4.1',
    inputPrice: 5_000, outputPrice: 5_000, maxTokens: 400, maxOutputTokens: 32_768, temperature: 0.9, timeoutMs: 20_000, tier: 3,
  },
  {
    key: 'gpt-4.1-mini', vendor: 'openai', displayName: 'GPT-4.1-mini', vendorModelId: 'gpt-4.1-mini',
    inputPrice: 1_000, outputPrice: 1_000, maxTokens: 400, maxOutputTokens: 32_768, temperature: 0.9, timeoutMs: 10_000, tier: 1,
  },
  {
    key: 'bedrock-claude-3-sonnet', vendor: 'bedrock', displayName: 'Claude 3 Sonnet (Bedrock)',
    vendorModelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
    inputPrice: 3_000, outputPrice: 15_000, maxTokens: 400, maxOutputTokens: 4_096, temperature: 0.9, timeoutMs: 20_000, tier: 3,
    bedrockApi: 'converse',
  },
  {
    key: 'bedrock-claude-3-haiku', vendor: 'bedrock', displayName: 'Claude 3 Haiku (Bedrock)',
    vendorModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    inputPrice: 250, outputPrice: 1_250, maxTokens: 400, maxOutputTokens: 4_096, temperature: 0.9, timeoutMs: 10_000, tier: 1,
    bedrockApi: 'invoke-claude',
  },
];

/** `retiresOn: null` says the model has no known retirement date. */
export type ModelOverride = Partial<Omit<ModelSpec, 'key' | 'retiresOn'>> & { readonly key: string; readonly retiresOn?: string | null };

/**
 * The default catalog, with configuration overrides applied by key (unknown keys add a model). A retirement date
 * belongs to a vendor model id: an override that moves a key to another id drops the old id's date unless it gives one.
 */
export function buildCatalog(overrides: readonly ModelOverride[] = []): ModelCatalog {
  const byKey = new Map<string, ModelSpec>(DEFAULT_SPECS.map((spec) => [spec.key, spec]));
  for (const override of overrides) {
    const base = byKey.get(override.key);
    const { retiresOn, ...rest } = override;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<ModelSpec>;
    const movedId = base !== undefined && defined.vendorModelId !== undefined && defined.vendorModelId !== base.vendorModelId;
    const retirement = retiresOn === null ? undefined : (retiresOn ?? (movedId ? undefined : base?.retiresOn));
    const spec = base ? { ...base, ...defined } : isCompleteSpec(rest) ? rest : undefined;
    if (!spec) continue;
    const { retiresOn: _dropped, ...withoutDate } = spec;
    byKey.set(override.key, retirement === undefined ? withoutDate : { ...withoutDate, retiresOn: retirement });
  }
  return byKey;
}

/** The catalog's models whose vendor id is retired by `nowMs` (from the first instant of `retiresOn`, UTC). */
export function retiredModels(catalog: ModelCatalog, nowMs: number): readonly ModelSpec[] {
  return [...catalog.values()].filter((spec) => spec.retiresOn !== undefined && Date.parse(`${spec.retiresOn}T00:00:00Z`) <= nowMs);
}

function isCompleteSpec(o: Omit<ModelOverride, 'retiresOn'>): o is ModelSpec {
  return (
    o.vendor !== undefined && o.displayName !== undefined && o.vendorModelId !== undefined &&
    o.inputPrice !== undefined && o.outputPrice !== undefined && o.maxTokens !== undefined &&
    o.temperature !== undefined && o.timeoutMs !== undefined && o.tier !== undefined
  );
}

export function sayingModels(catalog: ModelCatalog): readonly ModelSpec[] {
  return SAYING_MODEL_KEYS.map((key) => catalog.get(key)).filter((m): m is ModelSpec => m !== undefined);
}

/** Finds a model by catalog key or by the vendor's model id. */
export function findModel(catalog: ModelCatalog, name: string): ModelSpec | undefined {
  const byKey = catalog.get(name);
  if (byKey) return byKey;
  for (const spec of catalog.values()) if (spec.vendorModelId === name) return spec;
  return undefined;
}
