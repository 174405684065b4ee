import * as z from 'zod';
import type { KeySpecInput } from '../../../../domain/keys/key-spec';
import { safeText } from '../../validation';

/*
 * The admin API's request shapes. zod checks types and shapes at the edge; the use case then checks meaning
 * (known models, a future expiry, sane limits) for both doors alike. Unknown fields are refused, so a typo
 * such as `budget` instead of `budgetUsd` is an error, not a key without a budget.
 */

const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((v) => v ?? undefined);
const number = (what: string) => z.number({ error: `must be a number (${what})` });

/** ISO-8601 with a time zone, or epoch milliseconds. */
const instant = z.union(
  [z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.number().int().min(0)],
  { error: 'must be an ISO-8601 date-time with a time zone (2026-12-31T23:59:59Z) or epoch milliseconds' },
);

export const createKeyBodySchema = z.strictObject({
  name: safeText(200),
  models: optional(z.array(z.string({ error: 'must be a model name' }).min(1).max(200), { error: 'must be a list of model names' }).max(50)),
  rpm: optional(number('requests per minute')),
  tpm: optional(number('tokens per minute')),
  budgetUsd: optional(number('US dollars')),
  expiresAt: optional(instant),
});

export const rotateKeyBodySchema = z.strictObject({
  graceSeconds: optional(z.number({ error: 'must be a number of seconds' }).int({ error: 'must be whole seconds' })),
});

export const keyIdSchema = z.string().regex(/^key_[0-9a-f]{32}$/, { error: 'must be a key id such as key_0123456789abcdef0123456789abcdef' });

/** `GET /admin/keys?limit=&after=`: the use case checks the range of `limit` and that `after` is the caller's key. */
export const listKeysQuerySchema = z.strictObject({
  limit: optional(z.string({ error: 'must be given once' }).regex(/^\d{1,7}$/, { error: 'must be a whole number' }).transform(Number)),
  after: optional(z.string({ error: 'must be given once' }).pipe(keyIdSchema)),
});

export const toKeySpecInput = (body: z.infer<typeof createKeyBodySchema>): KeySpecInput => body;
