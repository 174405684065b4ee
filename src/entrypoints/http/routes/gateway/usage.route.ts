import * as z from 'zod';
import type { GatewayAdmission } from '../../../../application/gateway/admission';
import type { GatewayKeys } from '../../../../application/gateway/gateway-caller';
import type { GetUsageUseCase, UsageView } from '../../../../application/gateway/get-usage.use-case';
import type { UsageFigures } from '../../../../domain/gateway/key-usage';
import { nanoToUsd } from '../../../../domain/cost/money';
import { echoable } from '../../../../domain/text/echo';
import type { Route } from '../../core/http-types';
import { timeParam } from '../../validation';
import { authenticate } from './gateway-auth';
import { failureResponse, openAiError, UNAUTHORIZED } from './openai-errors';


const querySchema = z
  .object({ from: timeParam, to: timeParam })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'from must not be after to', path: ['from'] });

const figures = (f: UsageFigures) => ({
  requests: f.requests,
  errors: f.errors,
  cache_hits: f.cacheHits,
  partial: f.partial,
  input_tokens: f.inputTokens,
  output_tokens: f.outputTokens,
  total_tokens: f.inputTokens + f.outputTokens,
  cost_nano: f.costNano,
  cost_usd: nanoToUsd(f.costNano),
});

function usageBody(view: UsageView): unknown {
  const { budgetNano, spentNano, remainingNano } = view.budget;
  return {
    object: 'usage',
    key_id: view.keyId,
    window: view.window,
    totals: figures(view.totals),
    models: view.models.map((m) => ({ model: m.model, ...figures(m) })),
    budget: { budget_nano: budgetNano ?? null, spent_nano: spentNano, remaining_nano: remainingNano ?? null, spent_usd: nanoToUsd(spentNano) },
  };
}

export interface UsageRouteDeps {
  readonly getUsage: GetUsageUseCase;
  readonly keys: GatewayKeys;
  readonly admission: GatewayAdmission;
}

/** `GET /v1/usage?from&to`: the calling key's own totals; there is no way to name another key. */
export const usageRoute =
  (deps: UsageRouteDeps): Route =>
  async (request) => {
    const caller = await authenticate(deps.keys, request);
    if (!caller) return UNAUTHORIZED;
    const query = querySchema.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      // An unknown parameter is named as the chat body's are (`unknown_parameter`), when it is fit to repeat.
      if (issue?.code === 'unrecognized_keys') {
        const unknown = echoable(issue.keys[0] ?? '');
        return openAiError(400, `Unrecognized query parameter${unknown ? `: ${unknown}` : ''}; only from and to are accepted.`, 'invalid_request_error', 'unknown_parameter', unknown ?? null);
      }
      const param = issue?.path.join('.') ?? null;
      return openAiError(400, `Invalid ${param}: ${issue?.message ?? 'invalid value'}.`, 'invalid_request_error', 'invalid_value', param);
    }
    const admitted = await deps.admission.admitRequest(caller);
    if (!admitted.ok) return failureResponse(admitted.error);
    return { status: 200, body: usageBody(await deps.getUsage.execute(caller, { from: query.data.from, to: query.data.to })) };
  };
