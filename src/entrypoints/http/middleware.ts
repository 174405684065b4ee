import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../../ports/logger';
import { requestContext } from '../../adapters/logging/request-context';
import { HttpError } from './http-error';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id (the caller's, when sane), echoes it, and binds it to the request's logs. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    requestContext.run({ requestId: id }, next);
  };
}

/** One line per request, after it ends. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = { method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(ms * 100) / 100 };
      if (res.statusCode >= 500) logger.error('request failed', fields);
      else logger.info('request', fields);
    });
    next();
  };
}

/**
 * JSON bodies only: 415 for another media type, 413 from Content-Length before a byte is read (and
 * while reading, for chunked bodies), 400 for invalid UTF-8 or JSON.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const checkHeaders: RequestHandler = (req, _res, next) => {
    const length = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(length) && length > limitBytes) {
      return next(new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`));
    }
    if (!req.is('application/json')) {
      return next(new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.'));
    }
    next();
  };
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) throw new HttpError(400, 'invalid_utf8', 'The body is not valid UTF-8.');
    },
  });
  return [checkHeaders, parse];
}

/** Answers a known path's unsupported method with 405 and an Allow header. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) =>
    next(
      new HttpError(405, 'method_not_allowed', `${req.method} is not supported here; use ${allowed.join(' or ')}.`, undefined, {
        Allow: allowed.join(', '),
      }),
    );
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
}

export type ErrorHandler = (error: unknown, req: Request, res: Response, next: NextFunction) => void;
