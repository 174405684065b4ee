import type { ChatCompletionUseCase } from '../../../../application/gateway/chat-completion.use-case';
import type { ReplyMeta } from '../../../../application/gateway/chat-request';
import type { GatewayKeys } from '../../../../application/gateway/gateway-caller';
import type { Route } from '../../core/http-types';
import { chatRequestParser, type SchemaLimits } from './chat-request-schema';
import { authenticate } from './gateway-auth';
import { readGatewayJson } from './gateway-body';
import { failureResponse, openAiError, UNAUTHORIZED } from './openai-errors';
import { completionBody, sseFrames } from './openai-shapes';
import { rateLimitHeaders } from './rate-limit-headers';

export interface ChatRouteDeps {
  readonly chat: ChatCompletionUseCase;
  readonly keys: GatewayKeys;
  readonly bodyLimitBytes: number;
  readonly limits: SchemaLimits;
}

/** What every answer of a chat completion says about itself: limits, cache, who served it. */
export function replyHeaders(meta: ReplyMeta): Record<string, string> {
  return {
    ...rateLimitHeaders(meta.limits),
    'x-cache': meta.cache,
    'x-gateway-provider': meta.model.provider,
    'x-gateway-model': meta.model.key,
    ...(meta.model.offline ? { 'x-gateway-offline': 'true' } : {}),
  };
}

/** `POST /v1/chat/completions`, JSON or SSE, in OpenAI's shapes. */
export function chatCompletionsRoute(deps: ChatRouteDeps): Route {
  const parseChatRequest = chatRequestParser(deps.limits);
  return async (request) => {
    const caller = await authenticate(deps.keys, request);
    if (!caller) return UNAUTHORIZED;
    const body = readGatewayJson(request, deps.bodyLimitBytes);
    if (!body.ok) return body.error;
    const parsed = parseChatRequest(body.value);
    if (!parsed.ok) return openAiError(400, parsed.error.message, 'invalid_request_error', parsed.error.code, parsed.error.param);
    const { includeUsage, ...chatRequest } = parsed.value;
    const outcome = await deps.chat.execute(caller, { ...chatRequest, signal: request.signal });
    if (!outcome.ok) return failureResponse(outcome.error);
    const { meta } = outcome.value;
    if (outcome.value.kind === 'completion') {
      return { status: 200, headers: replyHeaders(meta), body: completionBody(meta, outcome.value.completion), after: outcome.value.settled };
    }
    return {
      status: 200,
      headers: {
        ...replyHeaders(meta),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // Proxies such as nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      },
      stream: sseFrames(meta, outcome.value.events, includeUsage),
      after: outcome.value.settled,
    };
  };
}
