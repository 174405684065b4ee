export type FeedbackType = 'POSITIVE' | 'NEGATIVE';

export interface VoteCounts {
  readonly upvotes: number;
  readonly downvotes: number;
}

export function applyVote(counts: VoteCounts, type: FeedbackType): VoteCounts {
  return type === 'POSITIVE'
    ? { upvotes: counts.upvotes + 1, downvotes: counts.downvotes }
    : { upvotes: counts.upvotes, downvotes: counts.downvotes + 1 };
}
