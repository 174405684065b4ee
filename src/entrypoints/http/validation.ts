import * as z from 'zod';
import { IDEMPOTENCY_KEY } from '../../domain/shared/idempotency-key';
import type { HttpRequest } from './core/http-types';
import { HttpError } from './http-error';

/** Text that is safe to store and show: well-formed UTF-16, no NUL, no control characters but \t \n \r. */
export const safeText = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => s.isWellFormed(), { error: 'must be valid Unicode (no lone surrogates)' })
    .refine((s) => !s.includes('\u0000'), { error: 'must not contain NUL bytes' })
    .refine((s) => !/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), { error: 'must not contain control characters' });

const durationMs = z.number({ error: 'must be a number of milliseconds' }).finite().min(0).max(3_600_000);

export const feedbackBodySchema = z.object({
  sayingId: safeText(128),
  saying: safeText(1_000),
  source: safeText(200),
  feedbackType: z.enum(['POSITIVE', 'NEGATIVE'], { error: 'must be "POSITIVE" or "NEGATIVE"' }),
  executionTime: durationMs,
  isCached: z.boolean({ error: 'must be true or false' }),
  originalLlmTime: durationMs.nullable().optional().transform((v) => v ?? null),
});

export const idempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY, { error: 'Idempotency-Key must be 1–128 visible ASCII characters' });

/** The request's optional `Idempotency-Key` header, or a 400 naming it. */
export const idempotencyKeyOf = (request: HttpRequest): string | undefined => {
  const raw = request.headers['idempotency-key'];
  return raw === undefined ? undefined : parseOr400(idempotencyKeySchema, raw, 'Idempotency-Key header');
};

/** A query time: epoch milliseconds or an ISO-8601 date-time, as epoch ms. */
export const timeParam = z
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

/** Validates a value, or throws a 400 whose details name each bad field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.') || what, message: i.message }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new HttpError(400, 'invalid_request', `Invalid ${what}: ${summary}`, details);
}
