import type { Vendor } from '../catalog/model-catalog';
import type { NanoUsd } from '../cost/money';

/**
 * One line of the usage ledger. `sayings`, `gateway` and `chat` entries are requests people made;
 * `sayings-build` entries are the background calls that fill the pool. Only entries that made an LLM call
 * carry `spend`, so summing spend over entries counts every token and nano-dollar exactly once.
 */
export const USAGE_CHANNELS = ['sayings', 'sayings-build', 'gateway', 'chat'] as const;
export type UsageChannel = (typeof USAGE_CHANNELS)[number];

export interface UsageSpend {
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly costNano: NanoUsd | undefined;
  /** True when the provider reported no usage and the tokens are our estimate. */
  readonly estimated: boolean;
  readonly llmLatencyMs: number;
}

export interface UsageEntry {
  readonly id: string;
  readonly at: number;
  readonly channel: UsageChannel;
  /** For sayings requests: where the saying came from. */
  readonly source: 'collection' | 'live' | 'pool' | 'none';
  readonly vendor: Vendor | undefined;
  readonly model: string | undefined;
  readonly provider: string | undefined;
  readonly offline: boolean;
  readonly keyId: string | undefined;
  readonly latencyMs: number;
  readonly cacheHit: boolean;
  readonly status: 'ok' | 'error';
  readonly spend: UsageSpend | undefined;
}

export const isUserRequest = (e: UsageEntry): boolean => e.channel !== 'sayings-build';
