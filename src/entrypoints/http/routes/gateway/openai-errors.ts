import { GATEWAY_STATUS, type GatewayErrorCode, type GatewayFailure } from '../../../../application/gateway/chat-request';
import type { Logger } from '../../../../ports/logger';
import { isStorageUnavailable, STORAGE_UNAVAILABLE_MESSAGE } from '../../core/error-response';
import type { HttpResponse } from '../../core/http-types';
import { HttpError, retryAfterSeconds } from '../../http-error';
import { rateLimitHeaders } from './rate-limit-headers';

/** OpenAI's error body, the only error shape any `/v1/` path answers with. */
export interface OpenAiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null };
}

export function openAiError(status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  const body: OpenAiErrorBody = { error: { message, type, param, code } };
  return { status, headers, body };
}

/** One body for every key that does not authenticate — missing, malformed, bad checksum, unknown, revoked, expired. */
export const UNAUTHORIZED: HttpResponse = openAiError(
  401,
  'Incorrect or missing API key. Send a valid Cloud Sayings gateway key as "Authorization: Bearer cs_…".',
  'invalid_request_error',
  'invalid_api_key',
);

/** OpenAI's `type` for each of our codes. */
const TYPES: Readonly<Record<GatewayErrorCode, string>> = {
  invalid_request: 'invalid_request_error',
  tokens_over_limit: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
  rate_limit_requests: 'requests',
  rate_limit_tokens: 'tokens',
  budget_exceeded: 'insufficient_quota',
  upstream_rate_limited: 'rate_limit_error',
  upstream_rejected: 'invalid_request_error',
  upstream_auth: 'server_error',
  upstream_invalid_response: 'server_error',
  upstream_unavailable: 'server_error',
  upstream_timeout: 'server_error',
  client_closed: 'invalid_request_error',
};

/** OpenAI's own spelling where it has one (`rate_limit_exceeded`), ours otherwise. */
const CODES: Partial<Readonly<Record<GatewayErrorCode, string>>> = {
  invalid_request: 'invalid_value',
  rate_limit_requests: 'rate_limit_exceeded',
  rate_limit_tokens: 'rate_limit_exceeded',
};

export function failureResponse(failure: GatewayFailure): HttpResponse {
  const headers: Record<string, string> = { ...(failure.limits ? rateLimitHeaders(failure.limits) : {}) };
  if (failure.retryAfterMs !== undefined) headers['retry-after'] = retryAfterSeconds(failure.retryAfterMs);
  if (failure.code === 'upstream_unavailable' && failure.retryAfterMs === undefined) headers['retry-after'] = '1';
  return openAiError(GATEWAY_STATUS[failure.code], failure.message, TYPES[failure.code], CODES[failure.code] ?? failure.code, failure.param ?? null, headers);
}

const BODY_PARSER_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  'entity.too.large': [413, 'request_too_large', 'The request body is too large.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted before its body arrived.'],
  'request.size.invalid': [400, 'invalid_body_size', 'The body length does not match Content-Length.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The Content-Encoding is not supported.'],
};

/** The same renames as OpenAI's codes, for the shared door errors (`payload_too_large` → `request_too_large`). */
const APP_CODES: Readonly<Record<string, string>> = { payload_too_large: 'request_too_large', not_found: 'unknown_url', invalid_request: 'invalid_value' };

/**
 * Anything thrown on a `/v1/` path — the doors' own 404, 405, 413 and 415 included — in OpenAI's shape. A store
 * that is down answers 503 with Retry-After, as on the product's routes; an unexpected error is logged by name and
 * message only and answered with a bare 500.
 */
export function openAiErrorResponse(error: unknown, logger: Logger): HttpResponse {
  if (error instanceof HttpError) {
    const type = error.status === 404 ? 'invalid_request_error' : error.status >= 500 ? 'server_error' : 'invalid_request_error';
    return openAiError(error.status, error.message, type, APP_CODES[error.code] ?? error.code, null, error.headers);
  }
  const parserType = (error as { type?: unknown } | null)?.type;
  const known = typeof parserType === 'string' ? BODY_PARSER_ERRORS[parserType] : undefined;
  if (known) return openAiError(known[0], known[2], 'invalid_request_error', known[1]);
  if (isStorageUnavailable(error)) {
    // The key store or the ledger failed after its own retries: the request may be sent again shortly.
    logger.error('gateway storage unavailable', { error: described(error) });
    return openAiError(503, STORAGE_UNAVAILABLE_MESSAGE, 'server_error', 'storage_unavailable', null, { 'retry-after': '1' });
  }
  logger.error('gateway request error', { error: described(error) });
  return openAiError(500, 'Something went wrong on our side; the x-request-id header identifies it in our logs.', 'server_error', 'internal_error');
}

/** Name and message only: an error's other fields (a request, a response body) may carry secrets. */
const described = (error: unknown): { name: string; message?: string } => (error instanceof Error ? { name: error.name, message: error.message.slice(0, 200) } : { name: 'unknown' });
