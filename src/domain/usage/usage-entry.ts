import type { Vendor } from '../catalog/model-catalog';
import type { NanoUsd } from '../cost/money';

/**
 * One line of the usage ledger. `sayings`, `gateway` and `chat` entries are requests people made;
 * `sayings-build` entries are the background calls that fill the pool, `jobs` the calls of batch jobs (POST
 * /jobs): both spend tokens and money but are no request anyone waited on. Only entries that made an LLM call
 * carry `spend`, so summing spend over entries counts every token and nano-dollar exactly once.
 */
export const USAGE_CHANNELS = ['sayings', 'sayings-build', 'gateway', 'chat', 'jobs'] as const;
export type UsageChannel = (typeof USAGE_CHANNELS)[number];

/** Channels of work nobody waits on: counted in tokens and cost, not in requests or latency. */
export const BACKGROUND_CHANNELS: ReadonlySet<UsageChannel> = new Set(['sayings-build', 'jobs']);

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
  /** Gateway requests: the HTTP status answered (200 for a stream, even one that ended in an in-band error). */
  readonly httpStatus?: number;
  /** Gateway requests that failed: the error code the client saw (`upstream_timeout`, `client_closed`, …). */
  readonly errorCode?: string;
  /** A stream cut short (client gone, upstream failed mid-way): its spend covers what was produced. */
  readonly partial?: boolean;
}

export const isUserRequest = (e: UsageEntry): boolean => !BACKGROUND_CHANNELS.has(e.channel);
