import { isRecord, startScriptedServer, type Answer, type FakeOptions, type FakeServer, type RecordedRequest, type WireProtocol } from './scripted-http';

export type { FakeBehaviour, FakeOptions, FakeServer, FakeUsage, RecordedRequest } from './scripted-http';

/**
 * A wire-level fake of the Anthropic Messages API (`POST /v1/messages`), JSON and SSE. A stream is the
 * events message_start, content_block_start, ping, one content_block_delta per delta, content_block_stop,
 * message_delta, message_stop (`cut-stream`'s `afterChunks` counts these). `url` is the host root, as the
 * Anthropic SDK's `baseURL` must be.
 *
 *   const fake = await startAnthropicFake();
 *   fake.script({ kind: 'status', status: 529 }, { kind: 'ok', text: 'Hi', finishReason: 'max_tokens' });
 *   new Anthropic({ baseURL: fake.url, apiKey: 'sk-ant-test', maxRetries: 0 });
 *   await fake.close();
 */
export function startAnthropicFake(options: FakeOptions = {}): Promise<FakeServer> {
  return startScriptedServer(ANTHROPIC_PROTOCOL, options);
}

const ID = 'msg_fake';

const modelOf = (request: RecordedRequest): string =>
  isRecord(request.body) && typeof request.body.model === 'string' ? request.body.model : 'unknown-model';

const event = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

const message = (request: RecordedRequest, answer: Answer, content: readonly unknown[], stopReason: string | null, usage: unknown) => ({
  id: ID,
  type: 'message',
  role: 'assistant',
  model: modelOf(request),
  content,
  stop_reason: stopReason,
  stop_sequence: null,
  ...(answer.usage ? { usage } : {}),
});

const ANTHROPIC_PROTOCOL: WireProtocol = {
  path: '/v1/messages',
  baseUrlSuffix: '',
  defaultFinishReason: 'end_turn',

  json: (request, answer) =>
    message(request, answer, [{ type: 'text', text: answer.text }], answer.finishReason, {
      input_tokens: answer.usage?.inputTokens,
      output_tokens: answer.usage?.outputTokens,
    }),

  frames: (request, answer) => {
    const start = message(request, answer, [], null, { input_tokens: answer.usage?.inputTokens, output_tokens: 1 });
    const usage = answer.usage ? { usage: { output_tokens: answer.usage.outputTokens } } : {};
    return [
      event('message_start', { message: start }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', {}),
      ...answer.deltas.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
      event('content_block_stop', { index: 0 }),
      ...(answer.finishReason === null ? [] : [event('message_delta', { delta: { stop_reason: answer.finishReason, stop_sequence: null }, ...usage })]),
      event('message_stop', {}),
    ];
  },

  errorBody: (status) => ({
    type: 'error',
    error: { type: ERROR_TYPES[status] ?? 'api_error', message: `fake upstream error (HTTP ${status})` },
  }),
  malformedFrame: 'event: message_start\ndata: {"type":"message_start","message":{"id":\n\n',
  errorFrame: event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
  framesBeforeError: 4,
};
