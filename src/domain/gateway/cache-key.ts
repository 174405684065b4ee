/**
 * The text whose SHA-256 is a gateway response's cache key. Only fields that change the answer are in it, in a
 * canonical form (object keys sorted, no whitespace), so that two requests asking the same thing of the same
 * model share an entry however a client orders or spells its JSON; the key's scope (its id) comes first, so
 * one API key can never read another's entries.
 */
export interface CacheKeyInput {
  /** The API key's id. */
  readonly scope: string;
  /** Catalog key of the resolved model: `haiku` and `claude-haiku-4-5` are one model. */
  readonly model: string;
  /**
   * What answers for it now: the vendor's model id, the provider, and whether it is the offline simulation. A
   * catalog override that moves the key to a successor, or a deployment that goes from simulated to live, must
   * not serve answers the other one wrote.
   */
  readonly servedBy: { readonly vendorModelId: string; readonly provider: string; readonly offline: boolean };
  /** Messages after cleaning (NFC, hidden characters removed), as they go upstream. */
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  /** After clamping to the model's limit: what is actually asked for. */
  readonly maxTokens: number;
  /** The other answer-changing fields the request carried (temperature, top_p, stop, seed, tools, …). */
  readonly options: Readonly<Record<string, unknown>>;
}

export const CACHE_KEY_VERSION = 'gw2';

export function cacheKeyText(input: CacheKeyInput): string {
  return canonicalJson([CACHE_KEY_VERSION, input.scope, input.model, input.servedBy, input.messages, input.maxTokens, input.options]);
}

/** JSON with object keys sorted at every depth; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
