import cors from 'cors';
import express, { type Express, type Request } from 'express';
import { z } from 'zod';
import type { GetHealthUseCase } from '../../application/get-health/get-health.use-case';
import type { GetSayingUseCase } from '../../application/get-saying/get-saying.use-case';
import type { GetStatsUseCase } from '../../application/get-stats/get-stats.use-case';
import type { SubmitFeedbackUseCase } from '../../application/submit-feedback/submit-feedback.use-case';
import { findModel, type ModelCatalog } from '../../domain/catalog/model-catalog';
import type { Logger } from '../../ports/logger';
import { errorMapper } from './error-mapper';
import { HttpError } from './http-error';
import { accessLog, jsonBody, methodNotAllowed, notFound, requestId } from './middleware';
import { feedbackBodySchema, idempotencyKeySchema, parseOr400 } from './validation';

export interface AppDeps {
  readonly getSaying: GetSayingUseCase;
  readonly submitFeedback: SubmitFeedbackUseCase;
  readonly getStats: GetStatsUseCase;
  readonly getHealth: GetHealthUseCase;
  readonly catalog: ModelCatalog;
  readonly logger: Logger;
  readonly allowedOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean;
}

const timeParam = z
  .string()
  .transform((v, ctx) => {
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 date-time' });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

const statsQuerySchema = z
  .object({
    from: timeParam,
    to: timeParam,
    vendor: z.enum(['anthropic', 'openai', 'bedrock'], { error: 'must be anthropic, openai or bedrock' }).optional(),
    model: z.string().max(100).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'from must not be after to', path: ['from'] });

/** The Express app of the local server: short middleware chains, JSON everywhere, one error mapper. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(requestId());
  app.use(accessLog(deps.logger));
  if (deps.allowedOrigins.length > 0) {
    const any = deps.allowedOrigins.includes('*');
    app.use(cors({ origin: any ? '*' : [...deps.allowedOrigins], allowedHeaders: ['Content-Type', 'Idempotency-Key', 'X-Request-Id'], exposedHeaders: ['X-Request-Id', 'Retry-After'] }));
  }

  app.get('/', (_req, res) => {
    res.json({ name: 'Cloud Sayings', endpoints: ['GET /sayings', 'POST /feedback', 'GET /stats', 'GET /health'] });
  });

  app.get('/sayings', async (_req, res) => {
    const result = await deps.getSaying.execute();
    if (!result.ok) throw new HttpError(503, result.error.code, result.error.message, undefined, { 'Retry-After': '5' });
    res.json(result.value);
  });
  app.all('/sayings', methodNotAllowed(['GET']));

  app.post('/feedback', ...jsonBody(deps.bodyLimitBytes), async (req, res) => {
    const body = parseOr400(feedbackBodySchema, req.body, 'feedback body');
    const rawKey = req.get('idempotency-key');
    const idempotencyKey = rawKey === undefined ? undefined : parseOr400(idempotencyKeySchema, rawKey, 'Idempotency-Key header');
    const result = await deps.submitFeedback.execute({ body, idempotencyKey, clientId: clientId(req) });
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
          throw new HttpError(429, e.code, e.message, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))) });
      }
    }
    const { feedbackId, sayingId, counts, replayed } = result.value;
    res.status(replayed ? 200 : 201).json({ feedbackId, sayingId, upvotes: counts.upvotes, downvotes: counts.downvotes, replayed });
  });
  app.all('/feedback', methodNotAllowed(['POST']));

  app.get('/stats', async (req, res) => {
    const query = parseOr400(statsQuerySchema, req.query, 'query');
    if (query.model !== undefined && !findModel(deps.catalog, query.model)) {
      throw new HttpError(400, 'unknown_model', `Unknown model "${query.model}"; use a catalog key such as haiku or gpt-4.1.`);
    }
    const model = query.model === undefined ? undefined : findModel(deps.catalog, query.model)?.key;
    res.json(await deps.getStats.execute({ from: query.from, to: query.to, vendor: query.vendor, model }));
  });
  app.all('/stats', methodNotAllowed(['GET']));

  app.get('/health', async (_req, res) => {
    const health = await deps.getHealth.execute();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  app.all('/health', methodNotAllowed(['GET']));

  app.use(notFound());
  app.use(errorMapper(deps.logger));
  return app;
}

function clientId(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
