import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmProviderError } from '../../../ports/llm-provider';
import { fromHttpFailure, fromTransportFailure, invalidResponse } from '../shared/classify';
import { OPENAI } from './response-mapping';

/**
 * Any failure of an OpenAI SDK call as the port's error. Messages are the shared helpers' (status or
 * transport only); the SDK error, whose message can quote the upstream body, stays in `cause`.
 */
export function toLlmProviderError(error: unknown, signal: AbortSignal | undefined, now: number): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  if (error instanceof APIError && typeof error.status === 'number') {
    return fromHttpFailure({ provider: OPENAI, status: error.status, headers: error.headers, cause: error }, now);
  }
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new LlmProviderError('timeout', `${OPENAI} did not answer in time`, { provider: OPENAI, cause: error });
  }
  if (signal?.aborted) return fromTransportFailure(OPENAI, error, signal);
  if (isSyntaxError(error)) return invalidResponse(OPENAI, 'the body is not valid JSON', error);
  // The wrapped fetch error carries the socket's code (ECONNREFUSED…), which the message can name.
  if (error instanceof APIConnectionError) return fromTransportFailure(OPENAI, error.cause ?? error, signal);
  if (error instanceof APIError) {
    return new LlmProviderError('unavailable', `${OPENAI} reported an error in the stream`, { provider: OPENAI, cause: error });
  }
  return fromTransportFailure(OPENAI, error, signal);
}

/** By name: the SyntaxError is undici's, and under a vm sandbox (jest) its realm is not ours, so `instanceof` fails. */
const isSyntaxError = (error: unknown): boolean => (error as { name?: unknown } | null)?.name === 'SyntaxError';
