import type { Writable } from 'node:stream';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { requestContext } from '../../adapters/logging/request-context';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { CLIENT_CLOSED, elapsedMs, logAccess, loggablePath } from '../http/core/access-line';
import { isStreamResponse, type HttpResponse } from '../http/core/http-types';
import { routeMatcher } from '../http/core/route-matcher';
import { HttpError } from '../http/http-error';
import { chooseRequestId } from '../http/middleware';
import type { ApiRoute } from '../http/routes/api-routes';
import { encodingRefusal } from '../http/routes/gateway/gateway-body';
import { GATEWAY_PREFIX } from '../http/routes/gateway/gateway-routes';
import { openAiErrorResponse } from '../http/routes/gateway/openai-errors';
import { toHttpRequest } from './api-gateway';
import type { ViewerAddress } from './viewer-address';

/** What the Node.js Lambda runtime puts on `globalThis.awslambda` for response streaming. */
export interface AwsLambdaStreaming {
  streamifyResponse<H>(handler: H): H;
  readonly HttpResponseStream: { from(stream: Writable, prelude: { statusCode: number; headers?: Record<string, string> }): Writable };
}

/** Stands in where there is no Lambda runtime: the module loads, an invocation says what is missing. */
export const outsideLambda: AwsLambdaStreaming = {
  streamifyResponse: <H>(_handler: H): H =>
    (() => Promise.reject(new Error('response streaming needs the awslambda global of the Node.js Lambda runtime'))) as H,
  HttpResponseStream: {
    from: () => {
      throw new Error('response streaming needs the awslambda global of the Node.js Lambda runtime');
    },
  },
};

export interface StreamingRuntime {
  readonly routes: readonly ApiRoute[];
  readonly logger: Logger & { addContext?(context: Context): void };
  readonly metrics: MetricsSink;
  readonly config: { readonly GATEWAY_BODY_LIMIT_BYTES: number };
  /** The client's address behind CloudFront; absent, API Gateway's (or the function URL's) source IP. */
  readonly viewerAddress?: ViewerAddress | undefined;
}

export type StreamingHandler = (event: APIGatewayProxyEventV2, responseStream: Writable, context?: Context) => Promise<void>;

/**
 * The gateway on a Lambda function URL with `InvokeMode: RESPONSE_STREAM` (ADR 0016): API Gateway HTTP APIs buffer
 * a Lambda's answer, a function URL passes it on as the function writes it. Every `/v1/` route is served here —
 * one base URL for the openai SDK — with the same routes as the local doors, and errors in OpenAI's shape. The
 * function URL sends the payload v2 event API Gateway would, so the request mapping is the shared one.
 *
 * A function URL has no API Gateway access log, so each invocation writes the node door's access line itself.
 * The response is ended first and what the route left running (its settlement) awaited after: the client does
 * not wait for it, and the handler does not return — letting the container freeze — before it is done.
 */
export function functionUrlHandler(streaming: AwsLambdaStreaming, runtime: () => Promise<StreamingRuntime>): StreamingHandler {
  return streaming.streamifyResponse(async (event: APIGatewayProxyEventV2, responseStream: Writable, context?: Context) => {
    const started = performance.now();
    const requestId = chooseRequestId(event.headers?.['x-request-id'] ?? event.requestContext.requestId);
    const signal = gone(responseStream);
    let rt: StreamingRuntime | undefined;
    let left: Promise<unknown> | undefined;
    let status: number | undefined;
    let durationMs: number | undefined;
    // As on the node door: a client that left before any answer was started is logged as nginx's 499.
    const opened = (response: { readonly status: number }) => {
      status = signal.aborted ? CLIENT_CLOSED : response.status;
    };
    const ended = () => {
      durationMs = elapsedMs(started);
    };
    const send = (response: HttpResponse) => {
      opened(response);
      const out = streaming.HttpResponseStream.from(responseStream, {
        statusCode: response.status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...response.headers },
      });
      out.end(JSON.stringify(response.body));
      ended();
    };
    try {
      rt = await runtime();
      if (context) rt.logger.addContext?.(context);
      const runtimeNow = rt;
      await requestContext.run({ requestId }, async () => {
        const path = event.rawPath;
        const method = event.requestContext.http.method;
        if (!path.startsWith(GATEWAY_PREFIX)) throw new HttpError(404, 'not_found', 'This endpoint serves the gateway under /v1/ only.');
        const found = routeMatcher(runtimeNow.routes.filter((r) => r.path.startsWith(GATEWAY_PREFIX)), runtimeNow.config.GATEWAY_BODY_LIMIT_BYTES)(method, path);
        // The node door's order: a compressed body is refused before its size or its bytes are looked at.
        const refused = method === 'GET' || method === 'HEAD' ? undefined : encodingRefusal(event.headers?.['content-encoding']);
        if (refused) throw refused;
        const request = { ...toHttpRequest(event, await runtimeNow.viewerAddress?.of(event.headers)), params: found.params, signal };
        if (request.body !== undefined && request.body.length > found.limitBytes) throw new HttpError(413, 'payload_too_large', `The body is larger than ${found.limitBytes} bytes.`);
        const response = await found.route(request);
        if (isStreamResponse(response)) {
          opened(response);
          const out = streaming.HttpResponseStream.from(responseStream, { statusCode: response.status, headers: { ...response.headers, 'x-request-id': requestId } });
          // A stream's settlement starts once it has been read to its end or closed, which writePieces sees to.
          left = response.after;
          await writePieces(out, response.stream);
          ended();
        } else {
          left = response.after;
          send(response);
        }
      });
    } catch (error) {
      const logger = rt?.logger ?? stderrLogger;
      if (!responseStream.writableEnded) send(openAiErrorResponse(error, { ...silent, error: logger.error.bind(logger) }));
    } finally {
      // Even when writing failed: the container may freeze once the handler returns.
      await left;
      const aborted = signal.aborted;
      logAccess(rt?.logger ?? stderrLogger, requestId, {
        method: event.requestContext.http.method,
        path: loggablePath(event.rawPath),
        status: status ?? (aborted ? CLIENT_CLOSED : 500),
        durationMs: durationMs ?? elapsedMs(started),
        aborted,
      });
      await rt?.metrics.flush().catch(() => undefined);
    }
  });
}

/** Aborted when the response stream closes before it was ended: the client went away. */
function gone(stream: Writable): AbortSignal {
  const controller = new AbortController();
  stream.once('close', () => {
    if (!stream.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}

/** Each piece as the route yields it, waiting for the stream to drain; a closed stream stops the route's generator. */
async function writePieces(out: Writable, pieces: AsyncIterable<string>): Promise<void> {
  const iterator = pieces[Symbol.asyncIterator]();
  let complete = false;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (out.destroyed) break;
      if (!out.write(next.value)) await new Promise<void>((resolve) => {
        out.once('drain', resolve);
        out.once('close', resolve);
      });
    }
    complete = !out.destroyed;
  } finally {
    if (!complete) await iterator.return?.(undefined);
    out.end();
  }
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Where lines go when the runtime could not be built: still one JSON object a line, as the logger writes them. */
const stderrLogger: Logger = {
  ...silent,
  info: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'INFO', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'ERROR', message, ...fields })}\n`),
};
