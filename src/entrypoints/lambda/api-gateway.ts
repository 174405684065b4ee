import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { requestContext } from '../../adapters/logging/request-context';
import { errorResponse } from '../http/core/error-response';
import { isStreamResponse, parseQuery, type HttpRequest, type HttpResponse, type HttpStreamResponse, type Route } from '../http/core/http-types';
import { HttpError } from '../http/http-error';
import { chooseRequestId } from '../http/middleware';
import { routeKey, type ApiRoute } from '../http/routes/api-routes';
import { awsRuntime, type AwsRuntime } from './aws-runtime';
import { ORIGIN_SECRET_HEADER } from './viewer-address';

/**
 * API Gateway HTTP API (payload v2) → the door-independent request. The client's address is `viewerIp` when the
 * proxy in front vouched for one (`ViewerAddress`), else API Gateway's source IP. The proxy's secret header is
 * dropped here: no route, log line or echo ever sees it. A body flagged base64 that is not base64 is a 400:
 * Node's decoder would skip what it cannot read and hand the route an empty or truncated body.
 */
export function toHttpRequest(event: APIGatewayProxyEventV2, viewerIp?: string): HttpRequest {
  const query = parseQuery(event.rawQueryString ?? '');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined && name.toLowerCase() !== ORIGIN_SECRET_HEADER) headers[name.toLowerCase()] = value;
  if (event.body !== undefined && event.isBase64Encoded && !isBase64(event.body)) {
    throw new HttpError(400, 'invalid_base64', 'The body is marked base64-encoded but is not valid base64.');
  }
  const body = event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) if (value !== undefined) params[name] = value;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    params,
    query,
    headers,
    body,
    clientIp: viewerIp ?? event.requestContext.http.sourceIp,
  };
}

/** Standard, padded base64, as API Gateway and function URLs encode a body. */
const isBase64 = (text: string): boolean => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

export function toResult(response: HttpResponse, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...response.headers },
    body: JSON.stringify(response.body),
  };
}

export type Handler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One Lambda per route, on the same use cases as the local server. The container is built once per
 * cold start (started at module load, awaited by the first invocation); every failure becomes the API's
 * error shape, never a stack trace.
 */
export function routeHandler(pick: RoutePicker, runtime: () => Promise<AwsRuntime> = awsRuntime): Handler {
  return async (event, context) => {
    const requestId = chooseRequestId(event.headers?.['x-request-id'] ?? event.requestContext.requestId);
    let rt: AwsRuntime | undefined;
    try {
      rt = await runtime();
      if (context) rt.logger.addContext(context);
      const route = pick(rt.routes, event);
      const viewerAddress = rt.viewerAddress;
      return await requestContext.run({ requestId }, async () => {
        // Inside the request's context: a failure to read the origin secret is logged with its request id.
        const response = await route(toHttpRequest(event, await viewerAddress?.of(event.headers)));
        if (isStreamResponse(response)) return bufferedResult(response, requestId);
        // The container freezes once the handler returns: work the route left running finishes first.
        await response.after;
        return toResult(response, requestId);
      });
    } catch (error) {
      const logger = rt?.logger ?? { error: (m: string, f?: object) => process.stderr.write(`${JSON.stringify({ level: 'ERROR', message: m, ...f })}\n`) };
      return toResult(errorResponse(error, requestId, { ...silent, error: logger.error.bind(logger) }), requestId);
    } finally {
      await rt?.metrics.flush().catch(() => undefined);
    }
  };
}

/**
 * API Gateway's Lambda integration sends a response whole, so a stream is collected here and sent as one body
 * (the gateway's chat completions stream through their own function URL instead). What the stream left running
 * (its settlement) finishes before the handler returns, as for a JSON answer.
 */
async function bufferedResult(response: HttpStreamResponse, requestId: string): Promise<APIGatewayProxyStructuredResultV2> {
  let text = '';
  for await (const piece of response.stream) text += piece;
  await response.after;
  return { statusCode: response.status, headers: { 'x-request-id': requestId, ...response.headers }, body: text };
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Chooses the route an invocation serves. */
export type RoutePicker = (routes: readonly ApiRoute[], event: APIGatewayProxyEventV2) => Route;

/** Route by method and path, as API Gateway already did: a handler serves exactly one route. */
export const routeAt = (method: string, path: string): RoutePicker => (routes) => {
  const found = routes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found.route;
};

/**
 * One function for a group of routes (e.g. the admin API): the route is the one API Gateway matched,
 * `event.routeKey` (`GET /admin/keys/{id}`), if it is in the group.
 */
export const routeByKey = (group: readonly string[]): RoutePicker => (routes, event) => {
  const found = group.includes(event.routeKey) ? routes.find((r) => routeKey(r) === event.routeKey) : undefined;
  if (!found) throw new HttpError(404, 'not_found', `No route for ${event.routeKey}.`);
  return found.route;
};
