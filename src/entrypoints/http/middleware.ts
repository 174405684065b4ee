import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../ports/logger';
import { requestContext } from '../../adapters/logging/request-context';
import { elapsedMs, endOf, logAccess } from './core/access-line';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The caller's request id when it is sane, else a new one. */
export function chooseRequestId(given: string | undefined): string {
  return given !== undefined && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Gives every request an id, echoes it, and binds it to the request's logs. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = chooseRequestId(typeof given === 'string' ? given : undefined);
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    requestContext.run({ requestId: id }, next);
  };
}

/** One line per request when it ends, a client that left first included ('close' follows 'finish' otherwise). */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('close', () => {
      const { aborted, status } = endOf(res);
      const id = typeof res.locals.requestId === 'string' ? res.locals.requestId : chooseRequestId(undefined);
      logAccess(logger, id, { method: req.method, path: req.path, status, durationMs: elapsedMs(started), aborted });
    });
    next();
  };
}
