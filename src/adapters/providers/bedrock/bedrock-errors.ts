import { BedrockRuntimeServiceException } from '@aws-sdk/client-bedrock-runtime';
import { parseRetryAfter } from '../../../domain/limits/retry-after';
import { LlmProviderError, type LlmErrorKind } from '../../../ports/llm-provider';
import { fromTransportFailure, invalidResponse, kindOfStatus } from '../shared/classify';

const PROVIDER = 'bedrock';

/** The SDK's modelled exceptions (and the service's auth errors) by name; a name wins over the status. */
const KIND_BY_EXCEPTION: Readonly<Record<string, LlmErrorKind>> = {
  ThrottlingException: 'rate-limited',
  ServiceQuotaExceededException: 'rate-limited',
  ServiceUnavailableException: 'unavailable',
  InternalServerException: 'unavailable',
  ModelNotReadyException: 'unavailable', // sent with 429, but it means the model is still loading
  ModelErrorException: 'unavailable',
  ModelStreamErrorException: 'unavailable',
  ValidationException: 'invalid-request',
  ResourceNotFoundException: 'model-unavailable', // an unknown model id, or one past its end of life
  ConflictException: 'invalid-request',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  ExpiredTokenException: 'auth',
  ModelTimeoutException: 'timeout',
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_GOAWAY_SESSION']);

export interface BedrockFailure {
  readonly error: LlmProviderError;
  /** The region itself is unwell (throttled, down, unreachable, stuck): cool it down and try the next one. */
  readonly regionFault: boolean;
}

/**
 * Any failure of a Bedrock call as an `LlmProviderError`. Messages name the status and exception only; the
 * service's message can echo the request, so it stays in `cause`.
 */
export function classifyBedrockError(error: unknown, signal: AbortSignal | undefined, now: number): BedrockFailure {
  if (error instanceof LlmProviderError) return { error, regionFault: isRegionKind(error.kind) };
  if (signal?.aborted) return { error: fromTransportFailure(PROVIDER, error, signal), regionFault: false };
  if (error instanceof BedrockRuntimeServiceException) return fromServiceException(error, now);
  if (hasResponse(error)) return { error: invalidResponse(PROVIDER, 'the body could not be read', error), regionFault: false };
  return fromTransport(error);
}

const isRegionKind = (kind: LlmErrorKind): boolean => kind === 'rate-limited' || kind === 'unavailable';

function fromServiceException(error: BedrockRuntimeServiceException, now: number): BedrockFailure {
  // Exceptions from inside an event stream come without `$metadata`, whatever the SDK's types say.
  const status = (error.$metadata as typeof error.$metadata | undefined)?.httpStatusCode;
  const kind = KIND_BY_EXCEPTION[error.name] ?? (status === undefined ? 'unavailable' : kindOfStatus(status));
  const headers = error.$response?.headers ?? {};
  const retryAfterMs = parseRetryAfter({ retryAfter: headers['retry-after'], retryAfterMs: headers['retry-after-ms'] }, now);
  const where = status === undefined ? 'in its stream' : `HTTP ${status}`;
  return {
    error: new LlmProviderError(kind, `${PROVIDER} answered ${where} (${error.name})`, {
      provider: PROVIDER,
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    }),
    regionFault: isRegionKind(kind),
  };
}

/** The SDK attaches the raw response to an error only when it got one but could not deserialize it. */
const hasResponse = (error: unknown): boolean => typeof error === 'object' && error !== null && '$response' in error;

/**
 * No answer at all. The SDK's HTTP/1 handler renames ECONNRESET, EPIPE and ETIMEDOUT errors `TimeoutError`
 * (for its retry logic), so connection codes are read first: a reset is an unavailable region, not a slow
 * model. A socket timeout the caller did not ask for is the region's fault too.
 */
function fromTransport(error: unknown): BedrockFailure {
  const code = codeOf(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return { error: new LlmProviderError('unavailable', `${PROVIDER} connection failed (${code})`, { provider: PROVIDER, cause: error }), regionFault: true };
  }
  const classified = fromTransportFailure(PROVIDER, error, undefined);
  return { error: classified, regionFault: classified.kind === 'unavailable' || classified.kind === 'timeout' };
}

function codeOf(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  const nested = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const code = direct ?? nested;
  return typeof code === 'string' ? code : undefined;
}
