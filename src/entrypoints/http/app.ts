import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../../ports/logger';
import { errorResponse } from './core/error-response';
import { isStreamResponse, type HttpRequest, type HttpResponse, type Route } from './core/http-types';
import { writeStream } from './core/node-stream';
import { declaredLengthTooLarge } from './core/json-body';
import { HttpError } from './http-error';
import { accessLog, requestId } from './middleware';
import type { ApiRoute } from './routes/api-routes';
import { webRouter } from '../web/web-router';

export interface AppDeps {
  /** Every route, door-independent (`resolveRoutes`). */
  readonly routes: readonly ApiRoute[];
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  readonly allowedOrigins: readonly string[];
  readonly trustProxy: boolean;
  /** Built web pages (dist/web); when set, / and /dashboard serve them instead of the JSON index. */
  readonly webDir?: string;
  /** Errors under a path prefix in another API's shape (the gateway's `/v1/` answers as OpenAI does). */
  readonly errorShapes?: readonly ErrorShape[];
}

export interface ErrorShape {
  readonly prefix: string;
  respond(error: unknown, requestId: string): HttpResponse;
}

/** The Express door of the local server: short middleware chains, the shared routes, one error mapper. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(requestId());
  app.use(accessLog(deps.logger));
  if (deps.allowedOrigins.length > 0) {
    const any = deps.allowedOrigins.includes('*');
    app.use(
      cors({
        origin: any ? '*' : [...deps.allowedOrigins],
        allowedHeaders: ['Content-Type', 'Idempotency-Key', 'X-Request-Id'],
        exposedHeaders: ['X-Request-Id', 'Retry-After'],
      }),
    );
  }

  if (deps.webDir !== undefined) app.use(webRouter(deps.webDir));
  app.get('/', (_req, res) => {
    // Derived from the routes, so a feature's endpoints are listed as soon as they are served.
    res.json({ name: 'Cloud Sayings', endpoints: deps.routes.map((r) => `${r.method} ${r.path}`) });
  });

  const rawBody = (limit: number) => [limitDeclaredLength(limit), express.raw({ type: () => true, limit })];
  const byPath = new Map<string, string[]>();
  for (const { method, path, route, bodyLimitBytes } of deps.routes) {
    const expressPath = path.replace(/\{(\w+)\}/g, ':$1');
    if (method === 'GET' || method === 'DELETE') app[method === 'GET' ? 'get' : 'delete'](expressPath, serve(route));
    else app[method === 'POST' ? 'post' : method === 'PUT' ? 'put' : 'patch'](expressPath, ...rawBody(bodyLimitBytes ?? deps.bodyLimitBytes), serve(route));
    byPath.set(expressPath, [...(byPath.get(expressPath) ?? []), method]);
  }
  for (const [path, methods] of byPath) app.all(path, methodNotAllowed(methods));

  app.use((req: Request, _res: Response, next: NextFunction) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}.`)));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const requestId = String(res.locals.requestId ?? '');
    const shape = deps.errorShapes?.find((s) => req.path.startsWith(s.prefix));
    send(res, shape ? shape.respond(error, requestId) : errorResponse(error, requestId, deps.logger));
  });
  return app;
}

function serve(route: Route): RequestHandler {
  return async (req, res) => {
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client closed the connection'));
    });
    const response = await route(toHttpRequest(req, gone.signal));
    if (isStreamResponse(response)) await writeStream(res, response);
    else send(res, response);
  };
}

function send(res: Response, response: HttpResponse): void {
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.status(response.status).json(response.body);
}

function toHttpRequest(req: Request, signal: AbortSignal): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method,
    path: req.path,
    params: { ...(req.params as Record<string, string>) },
    query: req.query as HttpRequest['query'],
    headers,
    body: Buffer.isBuffer(req.body) ? req.body : undefined,
    clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    signal,
  };
}

/** 413 from Content-Length before a byte of the body is read. */
function limitDeclaredLength(limitBytes: number): RequestHandler {
  return (req, _res, next) =>
    next(
      declaredLengthTooLarge(req.headers as HttpRequest['headers'], limitBytes)
        ? new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`)
        : undefined,
    );
}

function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) =>
    next(
      new HttpError(405, 'method_not_allowed', `${req.method} is not supported here; use ${allowed.join(' or ')}.`, undefined, {
        Allow: allowed.join(', '),
      }),
    );
}
