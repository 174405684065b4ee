import { AnthropicLlmProvider } from '../../src/adapters/providers/anthropic/anthropic-llm-provider';
import type { Clock } from '../../src/ports/clock';
import type { LlmRequest, LlmStreamEvent } from '../../src/ports/llm-provider';
import { startAnthropicFake, type FakeServer } from '../support/fakes/anthropic-fake';
import { collect, describeVendorFaults, failure } from './vendor-suites';

const NOW = 1_700_000_000_000;
const clock: Clock = { now: () => NOW, monotonicMs: () => 0 };
const KEY = 'sk-ant-test-key';
const CANARY = 'sk-canary-8c2d5e1f0a9b';
const MODEL = 'claude-haiku-4-5';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startAnthropicFake();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const provider = (apiKey: () => Promise<string | undefined> = async () => KEY, baseURL = fake.url) =>
  new AnthropicLlmProvider({ apiKey, baseURL, clock });

const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
  model: MODEL,
  messages: [
    { role: 'system', content: 'You answer briefly.' },
    { role: 'system', content: 'You like queues.' },
    { role: 'user', content: 'Say something about queues.' },
    { role: 'assistant', content: 'Queues wait.' },
    { role: 'user', content: 'Another one.' },
  ],
  maxTokens: 120,
  temperature: 0.4,
  signal: undefined,
  ...overrides,
});

const TURNS = request().messages.filter((m) => m.role !== 'system');

/** The SDK's choice of header: 1.x sends `Authorization: Bearer`, older ones `x-api-key`. Either must carry the key. */
const sentKey = (headers: Readonly<Record<string, string>>): string | undefined =>
  headers['x-api-key'] ?? headers.authorization?.replace(/^Bearer /, '');

describe('AnthropicLlmProvider.generate against the wire fake', () => {
  it('maps the answer, usage and stop reason; system prompts go to `system`', async () => {
    fake.script({ kind: 'ok', text: 'SQS: patience as a service.', usage: { inputTokens: 31, outputTokens: 9 } });
    const result = await provider().generate(request());
    expect(result).toEqual({ text: 'SQS: patience as a service.', usage: { inputTokens: 31, outputTokens: 9 }, finishReason: 'stop', rawFinishReason: 'end_turn' });
    const [sent] = fake.requests;
    expect(fake.requests).toHaveLength(1);
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(sentKey(sent?.headers ?? {})).toBe(KEY);
    expect(sent?.headers['anthropic-version']).toBeDefined();
    expect(sent?.headers['x-stainless-retry-count']).toBe('0');
    expect(sent?.body).toEqual({ model: MODEL, max_tokens: 120, messages: TURNS, system: 'You answer briefly.\n\nYou like queues.', temperature: 0.4 });
  });

  it('sends neither system nor temperature when there are none', async () => {
    await provider().generate(request({ temperature: undefined, messages: TURNS }));
    expect(Object.keys(fake.requests[0]?.body as object).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it('reports usage it was not given as undefined, not zero', async () => {
    fake.script({ kind: 'ok', text: 'Hi.', usage: null });
    expect((await provider().generate(request())).usage).toEqual({ inputTokens: undefined, outputTokens: undefined });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['refusal', 'content-filter'],
    ['tool_use', 'other'],
    ['pause_turn', 'other'],
    ['some_future_reason', 'other'],
    [null, 'unknown'],
  ] as const)('maps stop_reason %p to %p', async (raw, unified) => {
    fake.script({ kind: 'ok', text: 'x', finishReason: raw });
    const result = await provider().generate(request());
    expect(result.finishReason).toBe(unified);
    expect(result.rawFinishReason).toBe(raw ?? undefined);
  });

  it.each([
    ['a body that is not JSON', { kind: 'malformed' } as const],
    ['a JSON body without content', { kind: 'status', status: 200, body: { id: 'msg_x', type: 'message' } } as const],
    ['a text body', { kind: 'status', status: 200, body: 'Service is running' } as const],
  ])('rejects %s as invalid-response', async (_, behaviour) => {
    fake.script(behaviour);
    expect((await failure(provider().generate(request()))).kind).toBe('invalid-response');
  });
});

describe('AnthropicLlmProvider.stream against the wire fake', () => {
  it('yields the deltas, then one finish with message_start input and message_delta output tokens', async () => {
    fake.script({ kind: 'ok', deltas: ['Lambda ', 'runs ', 'when ', 'asked.'], usage: { inputTokens: 40, outputTokens: 4 }, finishReason: 'max_tokens' });
    const events = await collect(provider().stream(request()));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Lambda ' },
      { type: 'text-delta', text: 'runs ' },
      { type: 'text-delta', text: 'when ' },
      { type: 'text-delta', text: 'asked.' },
      { type: 'finish', usage: { inputTokens: 40, outputTokens: 4 }, finishReason: 'length', rawFinishReason: 'max_tokens' },
    ]);
    expect(fake.requests[0]?.body).toEqual({ model: MODEL, max_tokens: 120, messages: TURNS, system: 'You answer briefly.\n\nYou like queues.', temperature: 0.4, stream: true });
  });

  it('yields each delta as it arrives, not when the stream ends', async () => {
    fake.script({ kind: 'ok', deltas: ['one ', 'two ', 'three'], intervalMs: 20 });
    const seenAt: number[] = [];
    for await (const _ of provider().stream(request())) seenAt.push(Date.now());
    expect((seenAt.at(-1) ?? 0) - (seenAt[0] ?? 0)).toBeGreaterThanOrEqual(50);
  });

  it('reports absent usage as undefined', async () => {
    fake.script({ kind: 'ok', text: 'Quiet.', usage: null });
    expect((await collect(provider().stream(request()))).at(-1)).toEqual({
      type: 'finish',
      usage: { inputTokens: undefined, outputTokens: undefined },
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
    });
  });

  it('throws unavailable after the deltas when the stream is cut mid-way', async () => {
    fake.script({ kind: 'cut-stream', afterChunks: 5 }); // message_start, content_block_start, ping, two deltas
    const events: LlmStreamEvent[] = [];
    expect((await failure(collect(provider().stream(request()), events))).kind).toBe('unavailable');
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta']);
  });

  it('throws unavailable when the stream ends without a stop reason', async () => {
    fake.script({ kind: 'ok', text: 'no end', finishReason: null });
    const events: LlmStreamEvent[] = [];
    expect((await failure(collect(provider().stream(request()), events))).kind).toBe('unavailable');
    expect(events.every((e) => e.type === 'text-delta')).toBe(true);
  });

  it('classifies an overloaded_error event after the first delta as unavailable', async () => {
    fake.script({ kind: 'stream-error-after-headers' });
    const events: LlmStreamEvent[] = [];
    const error = await failure(collect(provider().stream(request()), events));
    expect(error).toMatchObject({ kind: 'unavailable', isRetryable: true });
    expect(error.message).toContain('overloaded_error');
    expect(events).toHaveLength(1);
  });

  it('throws invalid-response on an event that is not JSON', async () => {
    fake.script({ kind: 'malformed' });
    expect((await failure(collect(provider().stream(request())))).kind).toBe('invalid-response');
  });
});

describe('AnthropicLlmProvider faults particular to Anthropic', () => {
  it('reads an HTTP-date Retry-After against the clock, on 529 overloaded too', async () => {
    fake.script({ kind: 'status', status: 529, headers: { 'retry-after': new Date(NOW + 3_000).toUTCString() } });
    expect((await failure(provider().generate(request()))).details).toMatchObject({ status: 529, retryAfterMs: 3000 });
  });

  it('classifies a body cut off after the headers as unavailable', async () => {
    fake.script({ kind: 'stream-error-after-headers' });
    expect((await failure(provider().generate(request()))).kind).toBe('unavailable');
  });
});

describeVendorFaults({
  vendor: 'anthropic',
  fake: () => fake,
  provider,
  request,
  baseUrlForPort: (port) => `http://127.0.0.1:${port}`,
  sentKey,
  rotation: ['sk-ant-first', 'sk-ant-second'],
  statuses: [
    [500, 'unavailable'],
    [503, 'unavailable'],
    [529, 'unavailable'],
    [400, 'invalid-request'],
    [404, 'model-unavailable'],
    [401, 'auth'],
    [403, 'auth'],
  ],
  canary: CANARY,
  echoingErrors: [
    ['401', { kind: 'status', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${CANARY}` } } }],
    ['400', { kind: 'status', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: CANARY } } }],
    ['529', { kind: 'status', status: 529, body: `overloaded, ${CANARY}` }],
  ],
  cutAfterChunks: 3,
});
