import { applyVote, type FeedbackType, type VoteCounts } from './vote';

/** z for a 95 % two-sided interval. */
const Z95 = 1.959963984540054;

/**
 * Lower bound of the Wilson score interval for the share of up-votes: a saying with 4 of 4 up-votes
 * ranks below one with 95 of 100, because four votes say little. 0 when there are no votes.
 */
export function wilsonLowerBound(counts: VoteCounts, z: number = Z95): number {
  const n = counts.upvotes + counts.downvotes;
  // No up-votes means no evidence of approval; the formula would leave float noise above zero.
  if (counts.upvotes === 0) return 0;
  const p = counts.upvotes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n);
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

/** Share of up-votes, or null when nobody has voted. */
export function approvalRate(counts: VoteCounts): number | null {
  const n = counts.upvotes + counts.downvotes;
  return n === 0 ? null : counts.upvotes / n;
}

/** Highest score first; more votes, then id, break ties so the order is total and stable. */
export function rankByScore<T extends VoteCounts & { readonly id: string }>(items: readonly T[]): readonly T[] {
  return items
    .map((item) => ({ item, score: wilsonLowerBound(item) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.item.upvotes + b.item.downvotes - (a.item.upvotes + a.item.downvotes) ||
        (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0),
    )
    .map((x) => x.item);
}

/** Up- and down-votes per saying among the given votes (those of a time window, say). */
export function countVotes(votes: Iterable<{ readonly sayingId: string; readonly feedbackType: FeedbackType }>): ReadonlyMap<string, VoteCounts> {
  const counts = new Map<string, VoteCounts>();
  for (const vote of votes) counts.set(vote.sayingId, applyVote(counts.get(vote.sayingId) ?? { upvotes: 0, downvotes: 0 }, vote.feedbackType));
  return counts;
}
