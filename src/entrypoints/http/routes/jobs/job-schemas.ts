import * as z from 'zod';
import { JOB_LIMITS } from '../../../../domain/jobs/job';

const catalogKey = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, { error: 'must be a catalog key such as haiku or gpt-4.1' });
const serviceId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'must be a service id such as s3 or lambda' });

/** `POST /jobs`. Unknown fields are refused, so a misspelt option is an error rather than silently ignored. */
export const jobBodySchema = z
  .strictObject({
    type: z.enum(['generate', 'enrich'], { error: 'must be "generate" or "enrich"' }),
    count: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(JOB_LIMITS.minCount, { error: `must be at least ${JOB_LIMITS.minCount}` })
      .max(JOB_LIMITS.maxCount, { error: `must be at most ${JOB_LIMITS.maxCount}` })
      .optional(),
    models: z
      .array(catalogKey, { error: 'must be a list of model keys' })
      .min(1, { error: 'must name at least one model (or leave it out for all)' })
      .max(JOB_LIMITS.maxModels, { error: `must name at most ${JOB_LIMITS.maxModels} models` })
      .optional(),
    services: z
      .array(serviceId, { error: 'must be a list of service ids' })
      .min(1, { error: 'must name at least one service' })
      .max(JOB_LIMITS.maxServices, { error: `must name at most ${JOB_LIMITS.maxServices} services` })
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.type === 'generate' && body.count === undefined) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: `a generate job needs a count (${JOB_LIMITS.minCount}–${JOB_LIMITS.maxCount})` });
    }
    if (body.type === 'enrich' && body.services === undefined) {
      ctx.addIssue({ code: 'custom', path: ['services'], message: 'an enrich job needs the services to write one saying each for' });
    }
  });

export type JobBody = z.infer<typeof jobBodySchema>;

/** Job ids are UUIDs; anything else cannot name a job. */
export const jobIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
  error: 'must be a job id as returned by POST /jobs (a UUID)',
});
