import { ApiKeyRepoError } from '../../../ports/api-key-repo';
import type { Logger } from '../../../ports/logger';
import { FeedbackRepoError } from '../../../ports/feedback-repo';
import { JobQueueError } from '../../../ports/job-queue';
import { JobRepoError } from '../../../ports/job-repo';
import { SayingRepoError } from '../../../ports/saying-repo';
import { UsageLedgerError } from '../../../ports/usage-ledger';
import { HttpError, type ErrorBody } from '../http-error';
import type { HttpResponse } from './http-types';

/** Every door's one error mapper: known errors to their status and code, anything else to a bare 500. */
export function errorResponse(error: unknown, requestId: string, logger: Logger): HttpResponse {
  const mapped = toHttpError(error);
  if (mapped.status >= 500) logger.error('request error', { error: describe(error), status: mapped.status });
  const body: ErrorBody = {
    error: { code: mapped.code, message: mapped.message, ...(mapped.details ? { details: mapped.details } : {}), requestId },
  };
  return { status: mapped.status, headers: mapped.headers, body };
}

/** A store or queue that failed after its own bounded retries (FAULTS.md #12): 503 with Retry-After on every door. */
export function isStorageUnavailable(error: unknown): boolean {
  return (
    error instanceof FeedbackRepoError ||
    error instanceof SayingRepoError ||
    error instanceof UsageLedgerError ||
    error instanceof JobRepoError ||
    error instanceof JobQueueError ||
    error instanceof ApiKeyRepoError
  );
}

export const STORAGE_UNAVAILABLE_MESSAGE = 'Storage is unavailable right now; try again shortly.';

const BODY_PARSER_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  'entity.too.large': [413, 'payload_too_large', 'The body is too large.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted before its body arrived.'],
  'request.size.invalid': [400, 'invalid_body_size', 'The body length does not match Content-Length.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The Content-Encoding is not supported.'],
};

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string') {
    const known = BODY_PARSER_ERRORS[type];
    if (known) return new HttpError(known[0], known[1], known[2]);
  }
  if (isStorageUnavailable(error)) {
    return new HttpError(503, 'storage_unavailable', STORAGE_UNAVAILABLE_MESSAGE, undefined, { 'Retry-After': '1' });
  }
  return new HttpError(500, 'internal_error', 'Something went wrong on our side; the request id identifies it in our logs.');
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'unknown', message: String(error) };
}
