import { parseSource } from '../../domain/sayings/attribution';
import { fingerprint } from '../../domain/feedback/fingerprint';
import type { FeedbackType, VoteCounts } from '../../domain/feedback/vote';
import type { ModelCatalog } from '../../domain/catalog/model-catalog';
import { err, ok, type Result } from '../../domain/shared/result';
import type { Clock } from '../../ports/clock';
import type { FeedbackRepo } from '../../ports/feedback-repo';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { RateLimiter, RatePolicy } from '../../ports/rate-limiter';
import type { SayingRepo } from '../../ports/saying-repo';
import type { FeedbackBody } from './feedback-body';

export type { FeedbackBody } from './feedback-body';

export interface SubmitFeedbackCommand {
  readonly body: FeedbackBody;
  /** From the `Idempotency-Key` header; without one every request is a new vote. */
  readonly idempotencyKey: string | undefined;
  /** Who is voting, for the per-client vote limit. */
  readonly clientId: string;
}

export interface FeedbackAccepted {
  readonly feedbackId: string;
  readonly sayingId: string;
  readonly counts: VoteCounts;
  readonly replayed: boolean;
}

export type SubmitFeedbackError =
  | { readonly code: 'unknown_source'; readonly message: string }
  | { readonly code: 'saying_not_found'; readonly message: string }
  | { readonly code: 'saying_mismatch'; readonly message: string }
  | { readonly code: 'idempotency_key_reused'; readonly message: string }
  | { readonly code: 'rate_limited'; readonly message: string; readonly retryAfterMs: number };

export class SubmitFeedbackUseCase {
  constructor(
    private readonly sayings: SayingRepo,
    private readonly feedback: FeedbackRepo,
    private readonly limiter: RateLimiter,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly catalog: ModelCatalog,
    private readonly votePolicy: RatePolicy,
  ) {}

  async execute(command: SubmitFeedbackCommand): Promise<Result<FeedbackAccepted, SubmitFeedbackError>> {
    const { body } = command;
    const limit = await this.limiter.take(`vote:${command.clientId}`, this.votePolicy);
    if (!limit.allowed) {
      return err({ code: 'rate_limited', message: 'Too many votes from this client; wait and try again.', retryAfterMs: limit.retryAfterMs });
    }
    const origin = parseSource(body.source, this.catalog);
    if (!origin.ok) return err(origin.error);
    const saying = await this.sayings.get(body.sayingId);
    if (!saying) return err({ code: 'saying_not_found', message: `No saying has id ${body.sayingId}.` });
    if (saying.text !== body.saying) {
      return err({ code: 'saying_mismatch', message: 'The saying text does not match the saying with that id.' });
    }
    const stored = saying.origin;
    const claimed = origin.value;
    const sameOrigin =
      stored.kind === claimed.kind &&
      (stored.kind === 'collection' || (claimed.kind === 'generated' && stored.model === claimed.model));
    if (!sameOrigin) {
      return err({ code: 'saying_mismatch', message: 'The source does not match the saying with that id.' });
    }
    const id = this.random.uuid();
    const outcome = await this.feedback.castVote({
      fingerprint: fingerprint(body),
      record: {
        id,
        at: this.clock.now(),
        sayingId: saying.id,
        feedbackType: body.feedbackType,
        vendor: stored.kind === 'generated' ? stored.vendor : undefined,
        model: stored.kind === 'generated' ? stored.model : undefined,
        executionTimeMs: body.executionTime,
        isCached: body.isCached,
        originalLlmTimeMs: body.originalLlmTime,
        idempotencyKey: command.idempotencyKey ?? `auto:${id}`,
      },
    });
    switch (outcome.kind) {
      case 'saying-not-found':
        return err({ code: 'saying_not_found', message: `No saying has id ${body.sayingId}.` });
      case 'conflict':
        return err({
          code: 'idempotency_key_reused',
          message: 'This Idempotency-Key was already used with a different body; use a new key for a new vote.',
        });
      case 'recorded':
      case 'replayed': {
        const replayed = outcome.kind === 'replayed';
        if (!replayed) {
          this.metrics.record([
            {
              name: 'Feedback',
              value: 1,
              unit: 'Count',
              dimensions: { vendor: stored.kind === 'generated' ? stored.vendor : 'collection', channel: body.feedbackType },
            },
          ]);
          this.logger.info('vote recorded', { sayingId: saying.id, feedbackType: body.feedbackType });
        }
        return ok({ feedbackId: outcome.feedbackId, sayingId: saying.id, counts: outcome.counts, replayed });
      }
    }
  }
}
