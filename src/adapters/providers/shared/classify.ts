import { parseRetryAfter } from '../../../domain/limits/retry-after';
import { LlmProviderError, type LlmErrorKind } from '../../../ports/llm-provider';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_GOAWAY_SESSION']);

/** The class of an HTTP status, as every provider adapter sees it. */
export function kindOfStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model-unavailable';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'unavailable';
  return 'invalid-request';
}

export interface HttpFailure {
  readonly provider: string;
  readonly status: number;
  readonly headers: { get(name: string): string | null } | undefined;
  readonly cause: unknown;
}

/**
 * A provider's HTTP error as an `LlmProviderError`. The message names the status only: upstream bodies can
 * echo request content or credentials, so they stay in `cause` and out of messages and logs.
 */
export function fromHttpFailure(failure: HttpFailure, now: number): LlmProviderError {
  const kind = kindOfStatus(failure.status);
  const retryAfterMs = failure.headers
    ? parseRetryAfter({ retryAfter: failure.headers.get('retry-after'), retryAfterMs: failure.headers.get('retry-after-ms') }, now)
    : undefined;
  return new LlmProviderError(kind, `${failure.provider} answered HTTP ${failure.status}`, {
    provider: failure.provider,
    status: failure.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    cause: failure.cause,
  });
}

/** Aborts, timeouts and broken connections, which carry no HTTP status. */
export function fromTransportFailure(provider: string, error: unknown, signal: AbortSignal | undefined): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (signal?.aborted || name === 'AbortError' || name === 'TimeoutError' || /timed? ?out/i.test(String(name))) {
    return new LlmProviderError('timeout', `${provider} did not answer in time`, { provider, cause: error });
  }
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new LlmProviderError('unavailable', `${provider} connection failed (${code})`, { provider, cause: error });
  }
  return new LlmProviderError('unavailable', `${provider} call failed`, { provider, cause: error });
}

export function invalidResponse(provider: string, what: string, cause?: unknown): LlmProviderError {
  return new LlmProviderError('invalid-response', `${provider} sent an invalid response: ${what}`, { provider, cause });
}
