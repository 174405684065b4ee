import { LlmProviderError } from '../../ports/llm-provider';
import type { GatewayFailure } from './chat-request';

/**
 * A provider's failure as the client sees it. Messages are our own: an upstream body can quote the prompt or a
 * credential, so nothing of it is passed on (it stays in the error's `cause`, which is never logged whole).
 */
export function upstreamFailure(error: LlmProviderError, provider: string, model: string): GatewayFailure {
  const retry = error.details.retryAfterMs === undefined ? {} : { retryAfterMs: error.details.retryAfterMs };
  switch (error.kind) {
    case 'rate-limited':
      return { code: 'upstream_rate_limited', param: undefined, message: `The provider (${provider}) is rate limiting the gateway; try again later.`, retryAfterMs: error.details.retryAfterMs ?? 1_000 };
    case 'timeout':
      return { code: 'upstream_timeout', param: undefined, message: `The provider (${provider}) did not answer in time.` };
    case 'invalid-response':
      return { code: 'upstream_invalid_response', param: undefined, message: `The provider (${provider}) sent a response the gateway could not read.` };
    case 'invalid-request':
      return { code: 'upstream_rejected', param: undefined, message: `The provider (${provider}) refused the request${error.details.status ? ` (HTTP ${error.details.status})` : ''}; check the messages and parameters.` };
    case 'model-unavailable':
      // Permanent until an operator moves the model, so a 404 the SDKs do not retry, as OpenAI answers for a retired id.
      return {
        code: 'model_not_found',
        param: 'model',
        message: `The model \`${model}\` is not served by its provider (${provider}) at the moment: its vendor id may have been retired. Use another model from GET /v1/models; this has been reported.`,
      };
    case 'auth':
      return { code: 'upstream_auth', param: undefined, message: `The gateway could not authenticate with the provider (${provider}); this is on our side and has been reported.` };
    case 'unavailable':
      return { code: 'upstream_unavailable', param: undefined, message: `The provider (${provider}) is unavailable right now; try again shortly.`, ...retry };
  }
}

export const isProviderError = (error: unknown): error is LlmProviderError => error instanceof LlmProviderError;
