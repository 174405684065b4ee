import type { Writable } from 'node:stream';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { requestContext } from '../../adapters/logging/request-context';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { isStreamResponse, type HttpResponse } from '../http/core/http-types';
import { routeMatcher } from '../http/core/route-matcher';
import { HttpError } from '../http/http-error';
import { chooseRequestId } from '../http/middleware';
import type { ApiRoute } from '../http/routes/api-routes';
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
 */
export function functionUrlHandler(streaming: AwsLambdaStreaming, runtime: () => Promise<StreamingRuntime>): StreamingHandler {
  return streaming.streamifyResponse(async (event: APIGatewayProxyEventV2, responseStream: Writable, context?: Context) => {
    const requestId = chooseRequestId(event.headers?.['x-request-id'] ?? event.requestContext.requestId);
    let rt: StreamingRuntime | undefined;
    const send = (response: HttpResponse) => {
      const out = streaming.HttpResponseStream.from(responseStream, {
        statusCode: response.status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...response.headers },
      });
      out.end(JSON.stringify(response.body));
    };
    try {
      rt = await runtime();
      if (context) rt.logger.addContext?.(context);
      const runtimeNow = rt;
      await requestContext.run({ requestId }, async () => {
        const path = event.rawPath;
        if (!path.startsWith(GATEWAY_PREFIX)) throw new HttpError(404, 'not_found', 'This endpoint serves the gateway under /v1/ only.');
        const found = routeMatcher(runtimeNow.routes.filter((r) => r.path.startsWith(GATEWAY_PREFIX)), runtimeNow.config.GATEWAY_BODY_LIMIT_BYTES)(event.requestContext.http.method, path);
        const request = { ...toHttpRequest(event, await runtimeNow.viewerAddress?.of(event.headers)), params: found.params, signal: gone(responseStream) };
        if (request.body !== undefined && request.body.length > found.limitBytes) throw new HttpError(413, 'payload_too_large', `The body is larger than ${found.limitBytes} bytes.`);
        const response = await found.route(request);
        if (!isStreamResponse(response)) {
          // The container may freeze once the handler returns: what the route left running finishes first.
          await response.after;
          return send(response);
        }
        const out = streaming.HttpResponseStream.from(responseStream, { statusCode: response.status, headers: { ...response.headers, 'x-request-id': requestId } });
        await writePieces(out, response.stream);
      });
    } catch (error) {
      const logger = rt?.logger ?? { error: (m: string, f?: object) => process.stderr.write(`${JSON.stringify({ level: 'ERROR', message: m, ...f })}\n`) };
      if (!responseStream.writableEnded) send(openAiErrorResponse(error, { ...silent, error: logger.error.bind(logger) }));
    } finally {
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
