import type { Stats } from '../api-types';
import { byId, setText } from '../dom';
import { EMPTY, formatCount, formatMs, formatPercent, formatUsd } from '../format';

/** The summary tiles: fixed elements whose text changes in place. */
export function renderTotals(totals: Stats['totals'], windowLabel: string): void {
  setText(byId('total-requests'), formatCount(totals.requests));
  setText(byId('total-requests-note'), windowLabel);
  setText(byId('total-cache'), formatPercent(totals.cacheHitRate));
  setText(byId('total-cache-note'), totals.requests === 0 ? 'no requests yet' : `${formatCount(totals.cacheHits)} from the pool`);
  setText(byId('total-latency'), formatMs(totals.latencyMs?.p50));
  setText(byId('total-latency-note'), totals.latencyMs ? `p95 ${formatMs(totals.latencyMs.p95)}` : 'server time');
  setText(byId('total-tokens'), formatCount(totals.tokens));
  setText(byId('total-cost'), formatUsd(totals.costUsd));
  setText(byId('total-upvotes'), formatCount(totals.upvotes));
  setText(byId('total-downvotes'), formatCount(totals.downvotes));
  const votes = totals.upvotes + totals.downvotes;
  setText(byId('total-approval'), votes === 0 ? EMPTY : formatPercent(totals.upvotes / votes));
}
