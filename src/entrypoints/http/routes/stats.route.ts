import * as z from 'zod';
import type { GetStatsUseCase } from '../../../application/get-stats/get-stats.use-case';
import { findModel, type ModelCatalog } from '../../../domain/catalog/model-catalog';
import type { Route } from '../core/http-types';
import { HttpError } from '../http-error';
import { parseOr400, timeParam } from '../validation';


const statsQuerySchema = z
  .object({
    from: timeParam,
    to: timeParam,
    vendor: z.enum(['anthropic', 'openai', 'bedrock'], { error: 'must be anthropic, openai or bedrock' }).optional(),
    model: z.string().max(100).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'from must not be after to', path: ['from'] });

export const statsRoute =
  (getStats: GetStatsUseCase, catalog: ModelCatalog): Route =>
  async (request) => {
    const query = parseOr400(statsQuerySchema, request.query, 'query');
    const model = query.model === undefined ? undefined : findModel(catalog, query.model)?.key;
    if (query.model !== undefined && model === undefined) {
      throw new HttpError(400, 'unknown_model', `Unknown model "${query.model}"; use a catalog key such as haiku or gpt-4.1.`);
    }
    return { status: 200, body: await getStats.execute({ from: query.from, to: query.to, vendor: query.vendor, model }) };
  };
