import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestContext } from '../../adapters/logging/request-context';
import type { Logger } from '../../ports/logger';
import { elapsedMs, endOf, logAccess, loggablePath } from './core/access-line';
import { isStreamResponse, parseQuery, type HttpRequest, type HttpResponse } from './core/http-types';
import { routeMatcher } from './core/route-matcher';
import { writeStream } from './core/node-stream';
import { HttpError } from './http-error';
import { chooseRequestId } from './middleware';
import type { ApiRoute } from './routes/api-routes';
import { encodingRefusal } from './routes/gateway/gateway-body';

export interface GatewayDoorDeps {
  /** The `/v1/` routes; every other path goes to `fallback`. */
  readonly routes: readonly ApiRoute[];
  readonly prefix: string;
  /** The rest of the product (the Express app). */
  readonly fallback: RequestListener;
  /** Errors of the door itself (404, 405, 413, 415) in the routes' shape. */
  readonly errorResponse: (error: unknown) => HttpResponse;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
}

/**
 * The gateway's own door on node:http (ADR 0015): the `/v1/` routes without the Express chain, which costs more
 * per request than the gateway's whole latency budget. It does what the Express door does for these routes and
 * no more — request id, access log, 413 from Content-Length before reading, a body limit while reading, 404/405,
 * streaming with backpressure and an abort signal when the client leaves — and hands every other path to Express.
 */
export function gatewayDoor(deps: GatewayDoorDeps): RequestListener {
  const match = routeMatcher(deps.routes, deps.bodyLimitBytes);

  return (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(deps.prefix)) return deps.fallback(req, res);
    const given = req.headers['x-request-id'];
    const requestId = chooseRequestId(typeof given === 'string' ? given : undefined);
    const started = performance.now();
    const gone = new AbortController();
    // One listener for the end of every response (ADR 0015): 'close' follows 'finish' for an answer sent in full,
    // and comes alone when the client left first — then the call upstream is aborted, and the line says so.
    res.on('close', () => {
      const { aborted, status } = endOf(res);
      if (aborted) gone.abort(new Error('the client closed the connection'));
      logAccess(deps.logger, requestId, { method: req.method, path: loggablePath(url), status, durationMs: elapsedMs(started), aborted });
    });
    requestContext.run({ requestId }, () => void serve(req, res, url, requestId, gone.signal).catch((error: unknown) => fail(res, requestId, deps.errorResponse(error))));
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: string, requestId: string, signal: AbortSignal): Promise<void> {
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const method = req.method ?? 'GET';
    const found = match(method, path);
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, found.limitBytes);
    const request: HttpRequest = {
      method,
      path,
      params: found.params,
      query: queryAt < 0 ? {} : parseQuery(url.slice(queryAt + 1)),
      // node:http joins repeated headers itself; only Set-Cookie stays a list, and a client has no reason to send it.
      headers: req.headers['set-cookie'] === undefined ? (req.headers as Record<string, string>) : flatHeaders(req),
      body,
      clientIp: req.socket.remoteAddress ?? 'unknown',
      signal,
    };
    const response = await found.route(request);
    if (isStreamResponse(response)) await writeStream(res, { ...response, headers: { ...response.headers, 'x-request-id': requestId } });
    else send(res, requestId, response);
  }
}

/**
 * Every header in one `writeHead` (the request id too): with none set before, node:http writes them as given
 * instead of storing each through `setHeader` first.
 */
function send(res: ServerResponse, requestId: string, response: HttpResponse): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, { ...response.headers, 'x-request-id': requestId, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, requestId: string, response: HttpResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, requestId, response);
}

/** 413 from Content-Length before a byte is read; 413 as soon as a body without one passes the limit; 415 for a compressed body. */
function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const refused = encodingRefusal(req.headers['content-encoding']);
  if (refused) return Promise.reject(refused);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`, undefined, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`, undefined, { Connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', () => reject(new HttpError(400, 'request_aborted', 'The request was aborted before its body arrived.')));
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
