import * as z from 'zod';
import { buildCatalog, type ModelOverride } from '../../domain/catalog/model-catalog';

const catalogKey = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, { error: 'must be a catalog key such as sonnet or gpt-4.1' });
const nanoPerToken = z.number({ error: 'must be a number' }).int({ error: 'must be whole nano-dollars per token' }).min(0).max(10_000_000);
const positiveInt = (max: number) => z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1).max(max);

/** One model's changes; unknown fields are refused, so a misspelt field is an error rather than silently ignored. */
const overrideSchema = z.strictObject({
  key: catalogKey,
  vendor: z.enum(['anthropic', 'openai', 'bedrock']).optional(),
  displayName: z.string().regex(/^[\x20-\x7e]{1,64}$/, { error: 'must be 1–64 printable ASCII characters' }).optional(),
  vendorModelId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, { error: 'must be a model id as the vendor spells it' }).optional(),
  inputPrice: nanoPerToken.optional(),
  outputPrice: nanoPerToken.optional(),
  maxTokens: positiveInt(8_192).optional(),
  maxOutputTokens: positiveInt(1_000_000).optional(),
  temperature: z.number({ error: 'must be a number' }).min(0).max(2).optional(),
  timeoutMs: positiveInt(120_000).optional(),
  tier: positiveInt(10).optional(),
  bedrockApi: z.enum(['converse', 'invoke-claude']).optional(),
  // null: no known retirement date (a vendor extended it, or the date was wrong).
  retiresOn: z.iso.date({ error: 'must be a date as YYYY-MM-DD, or null' }).nullable().optional(),
});

const REQUIRED_FOR_NEW: readonly (keyof ModelOverride & keyof z.infer<typeof overrideSchema>)[] = ['vendor', 'displayName', 'vendorModelId', 'inputPrice', 'outputPrice', 'maxTokens', 'temperature', 'timeoutMs', 'tier'];

/**
 * `MODEL_OVERRIDES`: JSON, a list of changes to the model catalog by key — most often a vendor retiring a model id
 * (`[{"key":"sonnet","vendorModelId":"claude-sonnet-4-6","displayName":"Claude Sonnet 4.6"}]`) or a price change,
 * without a release. A new key must give every field. The catalog is the domain's (`buildCatalog`); this only
 * checks what configuration may say. Display names stay unique: the attribution a voter sends back names the model.
 */
export const modelOverridesSetting = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: a list of {"key": …, "vendorModelId": …, …}' });
      return z.NEVER;
    }
  })
  .pipe(z.array(overrideSchema, { error: 'must be a JSON list of model overrides' }).max(32, { error: 'at most 32 overrides' }))
  .superRefine((overrides, ctx) => {
    const known = buildCatalog();
    const seen = new Set<string>();
    overrides.forEach((o, i) => {
      if (seen.has(o.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `"${o.key}" is overridden twice` });
      seen.add(o.key);
      const missing = known.has(o.key) ? [] : REQUIRED_FOR_NEW.filter((f) => o[f] === undefined);
      if (missing.length > 0) ctx.addIssue({ code: 'custom', path: [i], message: `"${o.key}" is not in the catalog: a new model needs ${missing.join(', ')}` });
    });
    const catalog = buildCatalog(overrides);
    const names = [...catalog.values()].map((m) => m.displayName);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) ctx.addIssue({ code: 'custom', message: `display names must stay unique; repeated: ${[...new Set(repeated)].join(', ')}` });
  });
