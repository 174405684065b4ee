import type { ModelHealth, ModelStats, Vendor } from '../api-types';

export const VENDOR_NAMES: Readonly<Record<Vendor, string>> = { anthropic: 'Anthropic', openai: 'OpenAI', bedrock: 'Amazon Bedrock' };

export interface ModelStatus {
  readonly live: boolean;
  readonly label: string;
  readonly detail: string;
}

/** Live or offline, from /health when it answered (it names the provider), else from /stats' own flag. */
export function modelStatus(stats: ModelStats, health: ModelHealth | undefined): ModelStatus {
  const live = health ? health.status === 'live' : stats.live && !stats.offline;
  const provider = health?.provider;
  return {
    live,
    label: live ? 'live' : 'offline',
    detail: live
      ? `Served live${provider ? ` by ${provider}` : ''}.`
      : 'No credentials: served by the offline simulation (simulated latency and tokens, real prices).',
  };
}

/** Share of requests served from the pool; null when there were none. */
export const cacheHitRate = (m: ModelStats): number | null => (m.requests === 0 ? null : m.cacheHits / m.requests);
