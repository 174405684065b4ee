import type { Vendor } from '../catalog/model-catalog';
import type { FeedbackType } from './vote';

export interface FeedbackRecord {
  readonly id: string;
  readonly at: number;
  readonly sayingId: string;
  readonly feedbackType: FeedbackType;
  /** From the saying's attribution; undefined for collection sayings. */
  readonly vendor: Vendor | undefined;
  readonly model: string | undefined;
  readonly executionTimeMs: number;
  readonly isCached: boolean;
  readonly originalLlmTimeMs: number | null;
  readonly idempotencyKey: string;
}
