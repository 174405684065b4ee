import type { FeedbackType } from '../../domain/feedback/vote';

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
