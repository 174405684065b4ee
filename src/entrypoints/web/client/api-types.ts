/**
 * The API's JSON shapes, imported (types only, erased by esbuild) from the server code that produces them,
 * so a change there is a type error here. The browser reads them; it never trusts them as HTML.
 */
import type { SayingView } from '../../../application/get-saying/saying-view';
import type { HealthView, ModelHealth } from '../../../application/get-health/get-health.use-case';
import type { StatsView, TopSaying } from '../../../application/get-stats/get-stats.use-case';
import type { FeedbackBody as ServerFeedbackBody } from '../../../application/submit-feedback/feedback-body';
import type { Vendor } from '../../../domain/catalog/model-catalog';
import type { FeedbackType } from '../../../domain/feedback/vote';
import type { LatencySummary } from '../../../domain/stats/percentiles';

export type { FeedbackType, HealthView as Health, LatencySummary, ModelHealth, SayingView as Saying, StatsView as Stats, TopSaying, Vendor };

export type ModelStats = StatsView['models'][number];

/** Seed 000's feedback body, as the browser sends it. */
export type FeedbackBody = ServerFeedbackBody;

/** What `POST /feedback` answers (feedback.route.ts). */
export interface FeedbackResult {
  readonly feedbackId: string;
  readonly sayingId: string;
  readonly upvotes: number;
  readonly downvotes: number;
  readonly replayed: boolean;
}

/** The API's error body: `{"error": {"code", "message", …}}` (http/core/error-response.ts). */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId?: string };
}
