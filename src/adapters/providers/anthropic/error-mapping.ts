import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { LlmProviderError, type LlmErrorKind } from '../../../ports/llm-provider';
import { fromHttpFailure, fromTransportFailure, invalidResponse } from '../shared/classify';
import { ANTHROPIC } from './response-mapping';

/** An `error` event inside a 200 stream names its class by type, as the status would have. */
const STREAM_ERROR_KINDS: ReadonlyMap<string, LlmErrorKind> = new Map([
  ['overloaded_error', 'unavailable'],
  ['api_error', 'unavailable'],
  ['rate_limit_error', 'rate-limited'],
  ['timeout_error', 'timeout'],
  ['invalid_request_error', 'invalid-request'],
  ['request_too_large', 'invalid-request'],
  ['not_found_error', 'model-unavailable'],
  ['authentication_error', 'auth'],
  ['permission_error', 'auth'],
]);

/**
 * Any failure of an Anthropic SDK call as the port's error. Messages are the shared helpers' (status or
 * transport only); the SDK error, whose message can quote the upstream body, stays in `cause`.
 */
export function toLlmProviderError(error: unknown, signal: AbortSignal | undefined, now: number): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  if (error instanceof APIError && typeof error.status === 'number') {
    return fromHttpFailure({ provider: ANTHROPIC, status: error.status, headers: error.headers, cause: error }, now);
  }
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new LlmProviderError('timeout', `${ANTHROPIC} did not answer in time`, { provider: ANTHROPIC, cause: error });
  }
  if (signal?.aborted) return fromTransportFailure(ANTHROPIC, error, signal);
  if (isSyntaxError(error)) return invalidResponse(ANTHROPIC, 'the body is not valid JSON', error);
  // The wrapped fetch error carries the socket's code (ECONNREFUSED…), which the message can name.
  if (error instanceof APIConnectionError) return fromTransportFailure(ANTHROPIC, error.cause ?? error, signal);
  if (error instanceof APIError) {
    // Only a type we know goes into the message: the rest of the event is upstream text.
    const type = STREAM_ERROR_KINDS.has(error.type ?? '') ? error.type : 'of an unknown type';
    const kind = STREAM_ERROR_KINDS.get(error.type ?? '') ?? 'unavailable';
    return new LlmProviderError(kind, `${ANTHROPIC} reported an error in the stream (${type})`, { provider: ANTHROPIC, cause: error });
  }
  return fromTransportFailure(ANTHROPIC, error, signal);
}

/** By name: the SyntaxError is undici's, and under a vm sandbox (jest) its realm is not ours, so `instanceof` fails. */
const isSyntaxError = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'SyntaxError';
