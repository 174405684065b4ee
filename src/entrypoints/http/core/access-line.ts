import { requestContext } from '../../../adapters/logging/request-context';
import type { ServerResponse } from 'node:http';
import { echoable } from '../../../domain/text/echo';
import type { Logger } from '../../../ports/logger';
import { safeDecode } from './route-matcher';

/** The status an access line gives a request whose client left before any answer was sent (nginx's 499). */
export const CLIENT_CLOSED = 499;

export interface AccessFields {
  readonly method: string | undefined;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The client closed the connection before the answer was sent in full. */
  readonly aborted: boolean;
}

/**
 * The one line every request leaves when it ends, from either door: `request` at info, `request failed` at error
 * for a 5xx the server answered (a client that left is not a server failure). A response's end can be emitted
 * outside the request's context (a socket closed by the client), so the line is bound to its request id here.
 */
export function logAccess(logger: Logger, requestId: string, fields: AccessFields): void {
  if (requestContext.getStore()?.requestId === requestId) writeLine(logger, fields);
  else requestContext.run({ requestId }, writeLine, logger, fields);
}

function writeLine(logger: Logger, { method, path, status, durationMs, aborted }: AccessFields): void {
  const fields = aborted ? { method, path, status, durationMs, aborted } : { method, path, status, durationMs };
  if (status >= 500 && !aborted) logger.error('request failed', fields);
  else logger.info('request', fields);
}

/**
 * How a response ended, at its 'close' (which follows 'finish' when it was sent in full): aborted when the client
 * left before the answer was complete, and then 499 if no answer had been started.
 */
export function endOf(res: ServerResponse): { readonly aborted: boolean; readonly status: number } {
  const aborted = !res.writableFinished;
  return { aborted, status: aborted && !res.headersSent ? CLIENT_CLOSED : res.statusCode };
}

/** Milliseconds since `started` (a `performance.now()`), to two decimals. */
export const elapsedMs = (started: number): number => Math.round((performance.now() - started) * 100) / 100;

/** Paths that needed no masking, remembered: a door sees few distinct ones, so most lines skip the work. */
const CLEAN_PATHS = new Set<string>();
const MAX_CLEAN_PATHS = 256;

/**
 * The path as the access log may keep it, on both gateway doors: no query string, and any segment that is not a
 * plain name (a model id that looks like a key, a secret pasted into a URL) masked — a client's path is input too
 * (FAULTS #28).
 */
export function loggablePath(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (CLEAN_PATHS.has(path)) return path;
  const masked = path
    .slice(0, 200)
    .split('/')
    .map((segment) => (segment === '' || echoable(safeDecode(segment)) !== undefined ? segment : '[redacted]'))
    .join('/');
  if (masked === path && CLEAN_PATHS.size < MAX_CLEAN_PATHS) CLEAN_PATHS.add(path);
  return masked;
}
