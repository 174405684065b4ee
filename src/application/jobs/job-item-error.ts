import { LlmProviderError } from '../../ports/llm-provider';

/** A failure of one item's processing, classified for the retry decision and for the job's error list. */
export interface ItemFailure {
  readonly code: string;
  /** Safe to show to the job's owner: no credential, no provider body, no stack. */
  readonly message: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
}

/** A failure the processor itself decided (unknown model, nothing parseable). */
export class JobItemError extends Error {
  override readonly name = 'JobItemError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const STORAGE_ERRORS = new Set(['JobRepoError', 'SayingRepoError', 'UsageLedgerError', 'JobQueueError']);

export function classifyFailure(error: unknown): ItemFailure {
  if (error instanceof JobItemError) return { code: error.code, message: error.message, retryable: error.retryable, retryAfterMs: undefined };
  if (error instanceof LlmProviderError) {
    return {
      code: `provider_${error.kind.replace('-', '_')}`,
      // The port guarantees a message without credentials; it is still cut short for the job's view.
      message: `${error.details.provider}: ${error.message.slice(0, 300)}`,
      retryable: error.isRetryable,
      retryAfterMs: error.details.retryAfterMs,
    };
  }
  if (error instanceof Error && STORAGE_ERRORS.has(error.name)) {
    return { code: 'storage_unavailable', message: 'Storage was unavailable; the item will be retried.', retryable: true, retryAfterMs: undefined };
  }
  return { code: 'internal_error', message: 'The item failed unexpectedly; the logs have the details.', retryable: true, retryAfterMs: undefined };
}
