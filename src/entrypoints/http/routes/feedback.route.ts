import type { SubmitFeedbackUseCase } from '../../../application/submit-feedback/submit-feedback.use-case';
import { readJsonBody } from '../core/json-body';
import type { Route } from '../core/http-types';
import { HttpError, retryAfterSeconds } from '../http-error';
import { feedbackBodySchema, idempotencyKeyOf, parseOr400 } from '../validation';

export const feedbackRoute =
  (submitFeedback: SubmitFeedbackUseCase, bodyLimitBytes: number): Route =>
  async (request) => {
    const body = parseOr400(feedbackBodySchema, readJsonBody(request, bodyLimitBytes), 'feedback body');
    const idempotencyKey = idempotencyKeyOf(request);
    const result = await submitFeedback.execute({ body, idempotencyKey, clientId: request.clientIp });
    if (!result.ok) {
      const e = result.error;
      switch (e.code) {
        case 'unknown_source':
          throw new HttpError(400, e.code, e.message);
        case 'saying_not_found':
          throw new HttpError(404, e.code, e.message);
        case 'saying_mismatch':
          throw new HttpError(422, e.code, e.message);
        case 'idempotency_key_reused':
          throw new HttpError(409, e.code, e.message);
        case 'rate_limited':
          throw new HttpError(429, e.code, e.message, undefined, { 'Retry-After': retryAfterSeconds(e.retryAfterMs) });
      }
    }
    const { feedbackId, sayingId, counts, replayed } = result.value;
    return { status: replayed ? 200 : 201, body: { feedbackId, sayingId, upvotes: counts.upvotes, downvotes: counts.downvotes, replayed } };
  };
