/** The API's JSON shapes as README.md documents them; the browser reads them, it never trusts them as HTML. */

export type Vendor = 'anthropic' | 'openai' | 'bedrock';
export type FeedbackType = 'POSITIVE' | 'NEGATIVE';

export interface Saying {
  readonly sayingId: string;
  readonly saying: string;
  readonly service: string;
  readonly serviceId: string;
  readonly source: string;
  readonly vendor: Vendor | null;
  readonly model: string | null;
  readonly offline: boolean;
  readonly isCached: boolean;
  readonly executionTime: number;
  readonly originalLlmTime: number | null;
  readonly tokens: number | null;
  readonly costUsd: number | null;
  readonly requestNumber: number;
}

/** Seed 000's feedback body. */
export interface FeedbackBody {
  readonly sayingId: string;
  readonly saying: string;
  readonly source: string;
  readonly feedbackType: FeedbackType;
  readonly executionTime: number;
  readonly isCached: boolean;
  readonly originalLlmTime: number | null;
}

export interface FeedbackResult {
  readonly feedbackId: string;
  readonly sayingId: string;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly replayed: boolean;
}

export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
}

export interface ModelStats {
  readonly vendor: Vendor;
  readonly model: string;
  readonly displayName: string;
  readonly live: boolean;
  readonly offline: boolean;
  readonly requests: number;
  readonly cacheHits: number;
  readonly latencyMs: LatencySummary | null;
  readonly tokens: number;
  readonly costUsd: number;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly approval: number | null;
}

export interface TopSaying {
  readonly sayingId: string;
  readonly saying: string;
  readonly serviceId: string;
  readonly source: string;
  readonly vendor: Vendor | null;
  readonly model: string | null;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly approval: number | null;
  readonly score: number;
}

export interface Stats {
  readonly window: { readonly from: number; readonly to: number };
  readonly totals: {
    readonly requests: number;
    readonly cacheHits: number;
    readonly cacheHitRate: number | null;
    readonly upvotes: number;
    readonly downvotes: number;
    readonly tokens: number;
    readonly costUsd: number;
    readonly latencyMs: LatencySummary | null;
  };
  readonly models: readonly ModelStats[];
  readonly topSayings: readonly TopSaying[];
}

export interface ModelHealth {
  readonly model: string;
  readonly vendor: Vendor;
  readonly displayName: string;
  readonly status: 'live' | 'offline';
  readonly provider: string;
}

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly models: readonly ModelHealth[];
}

/** The API's error body: `{"error": {"code", "message", …}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId?: string };
}
