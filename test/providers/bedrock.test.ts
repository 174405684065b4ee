import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockLlmProvider } from '../../src/adapters/providers/bedrock/bedrock-llm-provider';
import { LlmProviderError, type LlmRequest, type LlmStreamEvent } from '../../src/ports/llm-provider';
import { ManualClock } from '../contracts/support';
import { FAKE_TEXT, FAKE_USAGE, startBedrockFake, type BedrockFake, type FakeBehaviour } from '../support/fakes/bedrock-fake';

const CREDENTIALS = { accessKeyId: 'AKIDBEDROCKTEST', secretAccessKey: 'bedrock-test-secret' };
const CONVERSE_MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const CLAUDE_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const DELTAS = FAKE_TEXT.split(/(?<=\s)/);

const APIS = [
  { api: 'converse', model: CONVERSE_MODEL, json: 'converse', stream: 'converse-stream' },
  { api: 'invoke-claude', model: CLAUDE_MODEL, json: 'invoke', stream: 'invoke-with-response-stream' },
] as const;
const HANDLERS = [
  { handler: 'HTTP/2 (the SDK default)', protocol: 'h2', make: () => undefined },
  { handler: 'HTTP/1.1 (NodeHttpHandler)', protocol: 'h1', make: () => new NodeHttpHandler() },
] as const;

let fake: BedrockFake;
const providers: BedrockLlmProvider[] = [];

beforeAll(async () => {
  fake = await startBedrockFake();
});
afterEach(() => {
  providers.splice(0).forEach((p) => p.destroy());
  fake.reset();
});
afterAll(() => fake.close());

function provider(requestHandler?: NodeHttpHandler, endpoint = fake.url): BedrockLlmProvider {
  const made = new BedrockLlmProvider({
    regions: ['us-east-1'],
    endpointFor: () => endpoint,
    apiFor: (id) => (id === CLAUDE_MODEL ? 'invoke-claude' : 'converse'),
    clock: new ManualClock(),
    credentials: CREDENTIALS,
    ...(requestHandler ? { requestHandler } : {}),
  });
  providers.push(made);
  return made;
}

const request = (model: string, overrides: Partial<LlmRequest> = {}): LlmRequest => ({
  model,
  messages: [
    { role: 'system', content: 'You write one witty line.' },
    { role: 'user', content: 'About S3.' },
    { role: 'user', content: 'Keep it short.' },
  ],
  maxTokens: 120,
  temperature: 0.4,
  signal: undefined,
  ...overrides,
});

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const caught = (promise: Promise<unknown>): Promise<LlmProviderError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(LlmProviderError);
      return error as LlmProviderError;
    },
  );

describe.each(HANDLERS)('BedrockLlmProvider over $handler', ({ protocol, make }) => {
  describe.each(APIS)('$api', ({ model, json, stream }) => {
    it('generates: exact text, usage and finish reason', async () => {
      const result = await provider(make()).generate(request(model));
      expect(result).toEqual({ text: FAKE_TEXT, usage: FAKE_USAGE, finishReason: 'stop', rawFinishReason: 'end_turn' });
      const [sent] = fake.requests;
      expect(sent).toMatchObject({ operation: json, modelId: model, protocol, prefix: '' });
      // The model id travels URL-encoded, and every call is signed for the region.
      expect(sent?.path).toBe(`/model/${encodeURIComponent(model)}/${json}`);
      expect(String(sent?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDBEDROCKTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    });

    it('streams the deltas in order, then one finish event with exact usage', async () => {
      const events = await collect(provider(make()).stream(request(model)));
      expect(events).toEqual([
        ...DELTAS.map((text) => ({ type: 'text-delta', text })),
        { type: 'finish', usage: FAKE_USAGE, finishReason: 'stop', rawFinishReason: 'end_turn' },
      ]);
      expect(fake.requests[0]).toMatchObject({ operation: stream, modelId: model, protocol });
    });
  });
});

describe('request bodies', () => {
  it('Converse: system apart, consecutive turns of one role joined, inference settings', async () => {
    await provider().generate(request(CONVERSE_MODEL));
    expect(fake.requests[0]?.body).toEqual({
      system: [{ text: 'You write one witty line.' }],
      messages: [{ role: 'user', content: [{ text: 'About S3.\n\nKeep it short.' }] }],
      inferenceConfig: { maxTokens: 120, temperature: 0.4 },
    });
  });

  it('InvokeModel: the Claude Messages body for Bedrock', async () => {
    await provider().generate(request(CLAUDE_MODEL, { temperature: undefined }));
    expect(fake.requests[0]?.body).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 120,
      system: 'You write one witty line.',
      messages: [{ role: 'user', content: 'About S3.\n\nKeep it short.' }],
    });
  });
});

describe.each(APIS)('$api mapping', ({ model }) => {
  const finishes = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['content_filtered', 'content-filter'],
    ['guardrail_intervened', 'content-filter'],
    ['tool_use', 'other'],
    ['some_future_reason', 'unknown'],
  ] as const;

  it.each(finishes)('maps stop reason %s to %s, in generate and stream', async (raw, unified) => {
    fake.script({ kind: 'ok', stopReason: raw }, { kind: 'ok', stopReason: raw });
    const p = provider();
    expect(await p.generate(request(model))).toMatchObject({ finishReason: unified, rawFinishReason: raw });
    expect((await collect(p.stream(request(model)))).at(-1)).toMatchObject({ type: 'finish', finishReason: unified, rawFinishReason: raw });
  });

  it.each([
    ['no usage at all', null, { inputTokens: undefined, outputTokens: undefined }],
    ['only input tokens', { inputTokens: 9 }, { inputTokens: 9, outputTokens: undefined }],
    ['zeros', { inputTokens: 0, outputTokens: 0 }, { inputTokens: 0, outputTokens: 0 }],
  ] as const)('reports usage exactly: %s', async (_, usage, expected) => {
    fake.script({ kind: 'ok', usage }, { kind: 'ok', usage });
    const p = provider();
    expect((await p.generate(request(model))).usage).toEqual(expected);
    expect((await collect(p.stream(request(model)))).at(-1)).toMatchObject({ type: 'finish', usage: expected });
  });

  it('passes on the deltas the service sent, skipping empty ones', async () => {
    fake.script({ kind: 'ok', text: 'ab', deltas: ['a', '', 'b'] });
    const events = await collect(provider().stream(request(model)));
    expect(events.filter((e) => e.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
    ]);
  });

  it('an unparseable body is an invalid response, in generate and stream', async () => {
    fake.script({ kind: 'malformed' }, { kind: 'malformed' });
    const p = provider();
    expect(await caught(p.generate(request(model)))).toMatchObject({ kind: 'invalid-response', isRetryable: false });
    expect(await caught(collect(p.stream(request(model))))).toMatchObject({ kind: 'invalid-response' });
  });
});

describe('error mapping (one region)', () => {
  const cases: readonly [string, string, FakeBehaviour][] = [
    ['429 ThrottlingException', 'rate-limited', { kind: 'status', status: 429, errorType: 'ThrottlingException' }],
    ['400 ServiceQuotaExceededException', 'rate-limited', { kind: 'status', status: 400, errorType: 'ServiceQuotaExceededException' }],
    ['503 ServiceUnavailableException', 'unavailable', { kind: 'status', status: 503, errorType: 'ServiceUnavailableException' }],
    ['500 InternalServerException', 'unavailable', { kind: 'status', status: 500, errorType: 'InternalServerException' }],
    ['429 ModelNotReadyException', 'unavailable', { kind: 'status', status: 429, errorType: 'ModelNotReadyException' }],
    ['424 ModelErrorException', 'unavailable', { kind: 'status', status: 424, errorType: 'ModelErrorException' }],
    ['502 without a type', 'unavailable', { kind: 'status', status: 502 }],
    ['400 ValidationException', 'invalid-request', { kind: 'status', status: 400, errorType: 'ValidationException' }],
    ['404 ResourceNotFoundException', 'model-unavailable', { kind: 'status', status: 404, errorType: 'ResourceNotFoundException' }],
    ['403 AccessDeniedException', 'auth', { kind: 'status', status: 403, errorType: 'AccessDeniedException' }],
    ['403 UnrecognizedClientException', 'auth', { kind: 'status', status: 403, errorType: 'UnrecognizedClientException' }],
    ['401 without a type', 'auth', { kind: 'status', status: 401 }],
    ['408 ModelTimeoutException', 'timeout', { kind: 'status', status: 408, errorType: 'ModelTimeoutException' }],
    ['a connection cut mid-body', 'unavailable', { kind: 'cut-stream' }],
  ];

  it.each(cases)('%s → %s (both APIs, generate and stream)', async (_, kind, behaviour) => {
    const p = provider();
    for (const { model } of APIS) {
      fake.script(behaviour, behaviour);
      expect(await caught(p.generate(request(model)))).toMatchObject({ kind, details: { provider: 'bedrock' } });
      expect(await caught(collect(p.stream(request(model))))).toMatchObject({ kind });
    }
  });

  it('keeps the status and Retry-After, and leaves the service message out of ours', async () => {
    fake.script({ kind: 'status', status: 429, errorType: 'ThrottlingException', message: 'slow down, prompt was: SECRET', headers: { 'retry-after': '3' } });
    const error = await caught(provider().generate(request(CONVERSE_MODEL)));
    expect(error).toMatchObject({ kind: 'rate-limited', isRetryable: true, details: { status: 429, retryAfterMs: 3000 } });
    expect(error.message).toBe('bedrock answered HTTP 429 (ThrottlingException)');
    expect((error.cause as Error).name).toBe('ThrottlingException');
  });

  it('maps an exception frame inside a stream, after the deltas before it', async () => {
    for (const { model } of APIS) {
      fake.script({ kind: 'stream-exception', afterDeltas: 2, exceptionType: 'throttlingException' });
      const seen: LlmStreamEvent[] = [];
      const consume = async () => {
        for await (const event of provider().stream(request(model))) seen.push(event);
      };
      expect(await caught(consume())).toMatchObject({ kind: 'rate-limited', message: 'bedrock answered in its stream (ThrottlingException)' });
      expect(seen).toEqual(DELTAS.slice(0, 2).map((text) => ({ type: 'text-delta', text })));
    }
  });

  it.each(HANDLERS)('a refused connection is unavailable ($handler)', async ({ make }) => {
    const closed = await startBedrockFake();
    const url = closed.url;
    await closed.close();
    expect(await caught(provider(make(), url).generate(request(CONVERSE_MODEL)))).toMatchObject({ kind: 'unavailable' });
  });
});
