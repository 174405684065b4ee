import type { Vendor } from '../../domain/catalog/model-catalog';
import { countVotes, rankByScore, wilsonLowerBound, approvalRate } from '../../domain/feedback/scoring';
import { formatSource } from '../../domain/sayings/attribution';
import { aggregateStats, type ModelStats, type StatsTotals } from '../../domain/stats/aggregate';
import type { ChannelStats } from '../../domain/stats/channels';
import type { Clock } from '../../ports/clock';
import type { FeedbackRepo } from '../../ports/feedback-repo';
import type { SayingRepo } from '../../ports/saying-repo';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { ModelDirectory } from '../sayings/models';

export interface StatsQuery {
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly vendor: Vendor | undefined;
  readonly model: string | undefined;
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

export interface StatsView {
  readonly window: { readonly from: number; readonly to: number };
  readonly totals: StatsTotals;
  readonly models: readonly (ModelStats & { readonly offline: boolean })[];
  /** Traffic by channel (`sayings`, `sayings-build`, `gateway`), over the same entries as the totals. */
  readonly channels: readonly ChannelStats[];
  readonly topSayings: readonly TopSaying[];
}

export const DEFAULT_STATS_WINDOW_MS = 24 * 60 * 60 * 1000;
const TOP_SAYINGS = 10;

export class GetStatsUseCase {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly feedback: FeedbackRepo,
    private readonly sayings: SayingRepo,
    private readonly models: ModelDirectory,
    private readonly clock: Clock,
  ) {}

  async execute(query: StatsQuery): Promise<StatsView> {
    // A `from` after now with no `to` is an empty window ending there, never one that ends before it starts.
    const to = query.to ?? Math.max(this.clock.now(), query.from ?? 0);
    const from = query.from ?? to - DEFAULT_STATS_WINDOW_MS;
    const range = { from, to };
    const [entries, votes, voted] = await Promise.all([
      this.ledger.list(range),
      this.feedback.list(range),
      this.sayings.listVoted({ vendor: query.vendor, model: query.model }),
    ]);
    const catalogModels = [...this.models.catalog.values()];
    const summary = aggregateStats(entries, votes, catalogModels, (key) => this.models.isLive(key), {
      from,
      to,
      vendor: query.vendor,
      model: query.model,
    });
    // Ranked by the votes cast in the window, like every other figure here: "top sayings of the last hour" are
    // not those of all time. The repo's filter keeps the vendor and model asked for.
    const inWindow = countVotes(votes);
    const candidates = voted.flatMap((s) => {
      const counts = inWindow.get(s.id);
      return counts ? [{ ...s, ...counts }] : [];
    });
    const topSayings = rankByScore(candidates)
      .slice(0, TOP_SAYINGS)
      .map((s): TopSaying => ({
        sayingId: s.id,
        saying: s.text,
        serviceId: s.serviceId,
        source: formatSource(s.origin, this.models.catalog),
        vendor: s.origin.kind === 'generated' ? s.origin.vendor : null,
        model: s.origin.kind === 'generated' ? s.origin.model : null,
        upvotes: s.upvotes,
        downvotes: s.downvotes,
        approval: approvalRate(s),
        score: wilsonLowerBound(s),
      }));
    return {
      window: range,
      totals: summary.totals,
      models: summary.models.map((m) => ({ ...m, offline: !m.live })),
      channels: summary.channels,
      topSayings,
    };
  }
}
