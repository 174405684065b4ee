import type { ErrorBody, FeedbackBody, FeedbackResult, Health, Saying, Stats } from './api-types';

/** Anything that kept a call from returning data: an API error, a timeout, or no connection. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Where the API lives: the same origin unless the page names another in
 * `<meta name="cloud-sayings-api" content="https://…">` (the static S3 + CloudFront deployment).
 */
function apiBase(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="cloud-sayings-api"]');
  return (meta?.content ?? '').replace(/\/+$/, '');
}

interface CallInit {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

async function call<T>(path: string, init: CallInit = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(`${apiBase()}${path}`, {
      method: init.method ?? 'GET',
      headers: { Accept: 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: controller.signal,
    });
  } catch (error) {
    if (controller.signal.aborted) throw new ApiError(0, 'timeout', 'The server took too long to answer.', undefined, { cause: error });
    throw new ApiError(0, 'network', 'The server could not be reached.', undefined, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && body !== undefined) return body as T;
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (isErrorBody(body)) throw new ApiError(response.status, body.error.code, body.error.message, retryAfterSeconds);
  throw new ApiError(response.status, 'bad_response', `The server answered ${response.status} without the expected data.`, retryAfterSeconds);
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error: unknown = body.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error && typeof error.code === 'string' && typeof error.message === 'string';
}

export const getSaying = (): Promise<Saying> => call<Saying>('/sayings');

export const sendFeedback = (body: FeedbackBody, idempotencyKey: string): Promise<FeedbackResult> =>
  call<FeedbackResult>('/feedback', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(body),
  });

export const getStats = (query: URLSearchParams): Promise<Stats> => {
  const qs = query.toString();
  return call<Stats>(qs === '' ? '/stats' : `/stats?${qs}`);
};

export const getHealth = (): Promise<Health> => call<Health>('/health');
