import { isRecord, startScriptedServer, type Answer, type FakeOptions, type FakeServer, type RecordedRequest, type WireProtocol } from './scripted-http';

export type { FakeBehaviour, FakeOptions, FakeServer, FakeUsage, RecordedRequest } from './scripted-http';

/**
 * A wire-level fake of OpenAI Chat Completions (`POST /v1/chat/completions`), JSON and SSE
 * (`data: {chunk}` … `data: [DONE]`; a final usage chunk when `stream_options.include_usage` is set).
 * `url` ends in `/v1`, as the OpenAI SDK's `baseURL` must.
 *
 *   const fake = await startOpenAiFake();
 *   fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, { kind: 'ok', text: 'Hi' });
 *   new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
 *   fake.requests[0]?.headers.authorization; // 'Bearer sk-test'
 *   await fake.close();
 */
export function startOpenAiFake(options: FakeOptions = {}): Promise<FakeServer> {
  return startScriptedServer(OPENAI_PROTOCOL, options);
}

const CREATED = 1_700_000_000;
const ID = 'chatcmpl-fake';

const modelOf = (request: RecordedRequest): string =>
  isRecord(request.body) && typeof request.body.model === 'string' ? request.body.model : 'unknown-model';

const usageOf = (answer: Answer) =>
  answer.usage && {
    prompt_tokens: answer.usage.inputTokens,
    completion_tokens: answer.usage.outputTokens,
    total_tokens: answer.usage.inputTokens + answer.usage.outputTokens,
  };

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_exceeded',
};

const OPENAI_PROTOCOL: WireProtocol = {
  path: '/v1/chat/completions',
  baseUrlSuffix: '/v1',
  defaultFinishReason: 'stop',

  json: (request, answer) => ({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: modelOf(request),
    choices: [
      { index: 0, message: { role: 'assistant', content: answer.text, refusal: null }, logprobs: null, finish_reason: answer.finishReason },
    ],
    ...(answer.usage ? { usage: usageOf(answer) } : {}),
  }),

  frames: (request, answer) => {
    const body = isRecord(request.body) ? request.body : {};
    const wantsUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const chunk = (choices: readonly unknown[], extra: Record<string, unknown> = {}) =>
      frame({ id: ID, object: 'chat.completion.chunk', created: CREATED, model: modelOf(request), choices, ...(wantsUsage ? { usage: null } : {}), ...extra });
    const deltas = answer.deltas.map((text, i) =>
      chunk([{ index: 0, delta: i === 0 ? { role: 'assistant', content: text } : { content: text }, logprobs: null, finish_reason: null }]),
    );
    const finish = answer.finishReason === null ? [] : [chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: answer.finishReason }])];
    const usage = wantsUsage && answer.usage ? [chunk([], { usage: usageOf(answer) })] : [];
    return [...deltas, ...finish, ...usage, 'data: [DONE]\n\n'];
  },

  errorBody: (status) => ({
    error: { message: `fake upstream error (HTTP ${status})`, type: ERROR_TYPES[status] ?? 'server_error', param: null, code: null },
  }),
  malformedFrame: 'data: {"id":"chatcmpl-fake","choices":[{"delta":{"content":"Hel\n\n',
  errorFrame: frame({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }),
  framesBeforeError: 1,
};
