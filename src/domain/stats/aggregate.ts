import type { ModelSpec, Vendor } from '../catalog/model-catalog';
import { nanoToUsd, sumNano } from '../cost/money';
import type { FeedbackRecord } from '../feedback/feedback-record';
import { approvalRate } from '../feedback/scoring';
import { isUserRequest, type UsageEntry } from '../usage/usage-entry';
import { channelBreakdown, type ChannelStats } from './channels';
import { summarizeLatency, type LatencySummary } from './percentiles';

export interface StatsFilter {
  readonly from: number;
  readonly to: number;
  readonly vendor: Vendor | undefined;
  readonly model: string | undefined;
}

export interface ModelStats {
  readonly vendor: Vendor;
  readonly model: string;
  readonly displayName: string;
  readonly live: boolean;
  readonly requests: number;
  readonly cacheHits: number;
  /** Latency of this model's LLM calls (live and background) in the window. */
  readonly latencyMs: LatencySummary | null;
  readonly tokens: number;
  readonly costNano: number;
  readonly costUsd: number;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly approval: number | null;
}

export interface StatsTotals {
  readonly requests: number;
  readonly cacheHits: number;
  readonly cacheHitRate: number | null;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly tokens: number;
  readonly costNano: number;
  readonly costUsd: number;
  /** End-to-end time of the requests in the window. */
  readonly latencyMs: LatencySummary | null;
}

export interface StatsSummary {
  readonly totals: StatsTotals;
  readonly models: readonly ModelStats[];
  /** The totals' entries by channel: sayings, their background builds, the gateway. */
  readonly channels: readonly ChannelStats[];
}

const inWindow = (at: number, f: StatsFilter): boolean => at >= f.from && at <= f.to;

function matches(f: StatsFilter, vendor: Vendor | undefined, model: string | undefined): boolean {
  return (f.vendor === undefined || f.vendor === vendor) && (f.model === undefined || f.model === model);
}

const tokensOf = (e: UsageEntry): number => (e.spend?.inputTokens ?? 0) + (e.spend?.outputTokens ?? 0);

/**
 * Totals and one row per listed model. Every figure is a sum over the same filtered entries, so the
 * totals' tokens and cost equal the sum over entries exactly (money is integer nano-dollars).
 */
export function aggregateStats(
  entries: readonly UsageEntry[],
  feedback: readonly FeedbackRecord[],
  models: readonly ModelSpec[],
  isLive: (model: string) => boolean,
  filter: StatsFilter,
): StatsSummary {
  // Collection traffic has no model, so it counts only when no vendor or model filter is set.
  const usage = entries.filter((e) => inWindow(e.at, filter) && matches(filter, e.vendor, e.model));
  const votes = feedback.filter((v) => inWindow(v.at, filter) && matches(filter, v.vendor, v.model));
  const requests = usage.filter(isUserRequest);
  const cacheHits = requests.filter((e) => e.cacheHit).length;
  const costNano = sumNano(usage.map((e) => e.spend?.costNano ?? 0));
  const upvotes = votes.filter((v) => v.feedbackType === 'POSITIVE').length;
  const totals: StatsTotals = {
    requests: requests.length,
    cacheHits,
    cacheHitRate: requests.length === 0 ? null : cacheHits / requests.length,
    upvotes,
    downvotes: votes.length - upvotes,
    tokens: usage.reduce((s, e) => s + tokensOf(e), 0),
    costNano,
    costUsd: nanoToUsd(costNano),
    latencyMs: summarizeLatency(requests.map((e) => e.latencyMs)),
  };
  const rows = models
    .filter((m) => matches(filter, m.vendor, m.key))
    .map((m) => modelRow(m, isLive(m.key), usage, votes));
  return { totals, models: rows, channels: channelBreakdown(usage) };
}

function modelRow(spec: ModelSpec, live: boolean, usage: readonly UsageEntry[], votes: readonly FeedbackRecord[]): ModelStats {
  const mine = usage.filter((e) => e.model === spec.key);
  const requests = mine.filter(isUserRequest);
  const myVotes = votes.filter((v) => v.model === spec.key);
  const up = myVotes.filter((v) => v.feedbackType === 'POSITIVE').length;
  const down = myVotes.length - up;
  const costNano = sumNano(mine.map((e) => e.spend?.costNano ?? 0));
  return {
    vendor: spec.vendor,
    model: spec.key,
    displayName: spec.displayName,
    live,
    requests: requests.length,
    cacheHits: requests.filter((e) => e.cacheHit).length,
    latencyMs: summarizeLatency(mine.flatMap((e) => (e.spend ? [e.spend.llmLatencyMs] : []))),
    tokens: mine.reduce((s, e) => s + tokensOf(e), 0),
    costNano,
    costUsd: nanoToUsd(costNano),
    upvotes: up,
    downvotes: down,
    approval: approvalRate({ upvotes: up, downvotes: down }),
  };
}
