import { OpenAiLlmProvider } from '../../src/adapters/providers/openai/openai-llm-provider';
import { OpenAiHttpLlmProvider } from '../../src/adapters/providers/openai/openai-http-llm-provider';
import { createNodeHttpFetch } from '../../src/adapters/providers/shared/node-http-fetch';
import type { LlmProvider } from '../../src/ports/llm-provider';
import type { Clock } from '../../src/ports/clock';
import type { LlmRequest, LlmStreamEvent } from '../../src/ports/llm-provider';
import { startOpenAiFake, type FakeServer } from '../support/fakes/openai-fake';
import { collect, describeVendorFaults, failure } from './vendor-suites';

const NOW = 1_700_000_000_000;
const clock: Clock = { now: () => NOW, monotonicMs: () => 0 };
const KEY = 'sk-test-key';
const CANARY = 'sk-canary-4f1e9b2c7d3a';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startOpenAiFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

type ApiKey = () => Promise<string | undefined>;

/*
 * Every case runs on each way of speaking to OpenAI: the SDK on its built-in fetch (undici), the SDK on the
 * node:http fetch, and the SDK-free node:http client the composition root uses (ADR 0015). Same wire, same errors.
 */
const nodeFetch = createNodeHttpFetch();
const IMPLEMENTATIONS: readonly (readonly [string, boolean, (apiKey: ApiKey, baseURL: string) => LlmProvider])[] = [
  ['the SDK over its built-in fetch', true, (apiKey, baseURL) => new OpenAiLlmProvider({ apiKey, baseURL, clock })],
  ['the SDK over the node:http fetch', true, (apiKey, baseURL) => new OpenAiLlmProvider({ apiKey, baseURL, clock, fetch: nodeFetch })],
  ['node:http without the SDK', false, (apiKey, baseURL) => new OpenAiHttpLlmProvider({ apiKey, baseURL, clock })],
];

describe.each(IMPLEMENTATIONS)('OpenAI over %s', (_name, isSdk, make) => {
const provider = (apiKey: ApiKey = async () => KEY, baseURL = fake.url) => make(apiKey, baseURL);

const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
  model: 'gpt-4.1-mini',
  messages: [
    { role: 'system', content: 'You answer briefly.' },
    { role: 'user', content: 'Say something about queues.' },
    { role: 'assistant', content: 'Queues wait.' },
    { role: 'user', content: 'Another one.' },
  ],
  maxTokens: 120,
  temperature: 0.4,
  signal: undefined,
  ...overrides,
});

describe('generate against the wire fake', () => {
  it('maps the answer, its usage and finish reason, and sends only the expected fields', async () => {
    fake.script({ kind: 'ok', text: 'SQS: patience as a service.', usage: { inputTokens: 31, outputTokens: 9 } });
    const result = await provider().generate(request());
    expect(result).toEqual({ text: 'SQS: patience as a service.', usage: { inputTokens: 31, outputTokens: 9 }, finishReason: 'stop', rawFinishReason: 'stop' });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    if (isSdk) expect(sent?.headers['x-stainless-retry-count']).toBe('0');
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    expect(sent?.body).toEqual({ model: 'gpt-4.1-mini', messages: request().messages, max_tokens: 120, temperature: 0.4 });
  });

  it('leaves temperature out when the request has none', async () => {
    await provider().generate(request({ temperature: undefined }));
    expect(Object.keys(fake.requests[0]?.body as object).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it('reports usage it was not given as undefined, not zero', async () => {
    fake.script({ kind: 'ok', text: 'Hi.', usage: null });
    expect((await provider().generate(request())).usage).toEqual({ inputTokens: undefined, outputTokens: undefined });
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'other'],
    ['function_call', 'other'],
    ['some_future_reason', 'other'],
    [null, 'unknown'],
  ] as const)('maps finish_reason %p to %p', async (raw, unified) => {
    fake.script({ kind: 'ok', text: 'x', finishReason: raw });
    const result = await provider().generate(request());
    expect(result.finishReason).toBe(unified);
    expect(result.rawFinishReason).toBe(raw ?? undefined);
  });

  it.each([
    ['a body that is not JSON', { kind: 'malformed' } as const],
    ['a JSON body without choices', { kind: 'status', status: 200, body: { id: 'chatcmpl-x', object: 'chat.completion' } } as const],
    ['a text body', { kind: 'status', status: 200, body: 'Service is running' } as const],
  ])('rejects %s as invalid-response', async (_, behaviour) => {
    fake.script(behaviour);
    expect((await failure(provider().generate(request()))).kind).toBe('invalid-response');
  });
});

describe('stream against the wire fake', () => {
  it('yields the deltas, then one finish with the final chunk’s usage', async () => {
    fake.script({ kind: 'ok', deltas: ['Lambda ', 'runs ', 'when ', 'asked.'], usage: { inputTokens: 40, outputTokens: 4 } });
    const events = await collect(provider().stream(request()));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Lambda ' },
      { type: 'text-delta', text: 'runs ' },
      { type: 'text-delta', text: 'when ' },
      { type: 'text-delta', text: 'asked.' },
      { type: 'finish', usage: { inputTokens: 40, outputTokens: 4 }, finishReason: 'stop', rawFinishReason: 'stop' },
    ]);
    expect(fake.requests[0]?.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: request().messages,
      max_tokens: 120,
      temperature: 0.4,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('yields each delta as it arrives, not when the stream ends', async () => {
    fake.script({ kind: 'ok', deltas: ['one ', 'two ', 'three'], intervalMs: 30 });
    const seenAt: number[] = [];
    for await (const _ of provider().stream(request())) seenAt.push(Date.now());
    expect((seenAt.at(-1) ?? 0) - (seenAt[0] ?? 0)).toBeGreaterThanOrEqual(50);
  });

  it('reports absent usage as undefined and keeps the raw finish reason', async () => {
    fake.script({ kind: 'ok', text: 'Cut short', usage: null, finishReason: 'length' });
    const events = await collect(provider().stream(request()));
    expect(events.at(-1)).toEqual({ type: 'finish', usage: { inputTokens: undefined, outputTokens: undefined }, finishReason: 'length', rawFinishReason: 'length' });
  });

  it('throws unavailable after the deltas when the stream is cut mid-way', async () => {
    fake.script({ kind: 'cut-stream', afterChunks: 2 });
    const events: LlmStreamEvent[] = [];
    const error = await failure(collect(provider().stream(request()), events));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/^openai connection failed \((UND_ERR_SOCKET|ECONNRESET)\)$/);
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta']);
  });

  it('throws unavailable when the stream ends without a finish reason', async () => {
    fake.script({ kind: 'ok', text: 'no end', finishReason: null, usage: null });
    const events: LlmStreamEvent[] = [];
    expect((await failure(collect(provider().stream(request()), events))).kind).toBe('unavailable');
    expect(events.every((e) => e.type === 'text-delta')).toBe(true);
  });

  it('throws unavailable on an error event after the first delta', async () => {
    fake.script({ kind: 'stream-error-after-headers' });
    const events: LlmStreamEvent[] = [];
    expect((await failure(collect(provider().stream(request()), events))).kind).toBe('unavailable');
    expect(events).toHaveLength(1);
  });

  it('throws invalid-response on a chunk that is not JSON', async () => {
    fake.script({ kind: 'malformed' });
    expect((await failure(collect(provider().stream(request())))).kind).toBe('invalid-response');
  });
});

describe('faults particular to OpenAI', () => {
  it('reads retry-after-ms, and an HTTP-date Retry-After against the clock', async () => {
    fake.script({ kind: 'status', status: 429, headers: { 'retry-after-ms': '1500' } });
    expect((await failure(provider().generate(request()))).details.retryAfterMs).toBe(1500);
    fake.script({ kind: 'status', status: 429, headers: { 'retry-after': new Date(NOW + 5_000).toUTCString() } });
    expect((await failure(provider().generate(request()))).details.retryAfterMs).toBe(5000);
  });
});

describeVendorFaults({
  vendor: 'openai',
  fake: () => fake,
  provider,
  request,
  baseUrlForPort: (port) => `http://127.0.0.1:${port}/v1`,
  sentKey: (headers) => headers.authorization?.replace(/^Bearer /, ''),
  rotation: ['sk-first', 'sk-second'],
  statuses: [
    [500, 'unavailable'],
    [503, 'unavailable'],
    [400, 'invalid-request'],
    [404, 'model-unavailable'],
    [401, 'auth'],
    [403, 'auth'],
  ],
  canary: CANARY,
  echoingErrors: [
    ['401', { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${CANARY}`, type: 'invalid_request_error' } } }],
    ['400', { kind: 'status', status: 400, body: { error: { message: `Bad request from key ${CANARY}` } } }],
    ['429', { kind: 'status', status: 429, body: `slow down, ${CANARY}` }],
    ['500', { kind: 'status', status: 500, body: { error: { message: CANARY } } }],
  ],
  cutAfterChunks: 1,
});
});
