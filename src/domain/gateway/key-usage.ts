import { sumNano, type NanoUsd } from '../cost/money';
import type { UsageEntry } from '../usage/usage-entry';

export interface UsageFigures {
  readonly requests: number;
  readonly errors: number;
  readonly cacheHits: number;
  /** Streams cut short (client gone, upstream failed mid-way). */
  readonly partial: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costNano: NanoUsd;
}

export interface KeyUsage {
  readonly totals: UsageFigures;
  /** One row per catalog model the key used, by catalog key, sorted. */
  readonly models: readonly (UsageFigures & { readonly model: string })[];
}

function figures(entries: readonly UsageEntry[]): UsageFigures {
  return {
    requests: entries.length,
    errors: entries.filter((e) => e.status === 'error').length,
    cacheHits: entries.filter((e) => e.cacheHit).length,
    partial: entries.filter((e) => e.partial === true).length,
    inputTokens: entries.reduce((s, e) => s + (e.spend?.inputTokens ?? 0), 0),
    outputTokens: entries.reduce((s, e) => s + (e.spend?.outputTokens ?? 0), 0),
    costNano: sumNano(entries.map((e) => e.spend?.costNano ?? 0)),
  };
}

/**
 * One key's gateway traffic in a window. Only entries carrying this key's id count, so a caller can never see
 * another key's figures; totals are sums over the same entries as the rows (money exact, ADR 0003).
 */
export function keyUsage(entries: readonly UsageEntry[], keyId: string, range: { readonly from: number; readonly to: number }): KeyUsage {
  const mine = entries.filter((e) => e.channel === 'gateway' && e.keyId === keyId && e.at >= range.from && e.at <= range.to);
  const byModel = new Map<string, UsageEntry[]>();
  for (const e of mine) {
    const model = e.model ?? 'unknown';
    byModel.set(model, [...(byModel.get(model) ?? []), e]);
  }
  const models = [...byModel.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([model, list]) => ({ model, ...figures(list) }));
  return { totals: figures(mine), models };
}
