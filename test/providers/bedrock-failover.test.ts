import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockLlmProvider } from '../../src/adapters/providers/bedrock/bedrock-llm-provider';
import { LlmProviderError, type LlmRequest, type LlmStreamEvent } from '../../src/ports/llm-provider';
import { ManualClock } from '../contracts/support';
import { FAKE_TEXT, startBedrockFake, type BedrockFake, type FakeBehaviour } from '../support/fakes/bedrock-fake';

const CONVERSE_MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const CLAUDE_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const MODELS = [CONVERSE_MODEL, CLAUDE_MODEL] as const;
const REGIONS = ['us-east-1', 'us-west-2', 'ap-northeast-1'] as const;
type Region = (typeof REGIONS)[number];

const THROTTLED: FakeBehaviour = { kind: 'status', status: 429, errorType: 'ThrottlingException' };
const DOWN: FakeBehaviour = { kind: 'status', status: 503, errorType: 'ServiceUnavailableException' };

const fakes = {} as Record<Region, BedrockFake>;
let clock: ManualClock;
let bedrock: BedrockLlmProvider;

beforeAll(async () => {
  for (const region of REGIONS) fakes[region] = await startBedrockFake({ respond: () => ({ kind: 'ok', text: `served by ${region}` }) });
});
beforeEach(() => {
  clock = new ManualClock();
  bedrock = make(REGIONS);
});
afterEach(() => {
  bedrock.destroy();
  REGIONS.forEach((r) => fakes[r].reset());
  jest.restoreAllMocks();
});
afterAll(async () => {
  await Promise.all(REGIONS.map((r) => fakes[r].close()));
});

function make(regions: readonly Region[], requestHandler?: NodeHttpHandler): BedrockLlmProvider {
  return new BedrockLlmProvider({
    regions,
    endpointFor: (region) => fakes[region as Region].url,
    apiFor: (id) => (id === CLAUDE_MODEL ? 'invoke-claude' : 'converse'),
    clock,
    credentials: { accessKeyId: 'AKIDBEDROCKTEST', secretAccessKey: 'bedrock-test-secret' },
    ...(requestHandler ? { requestHandler } : {}),
  });
}

const request = (model: string = CONVERSE_MODEL, signal?: AbortSignal): LlmRequest => ({
  model,
  messages: [{ role: 'user', content: 'A saying about Lambda.' }],
  maxTokens: 100,
  temperature: 0.5,
  signal,
});

const counts = () => REGIONS.map((r) => fakes[r].count());

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const textOf = (events: readonly LlmStreamEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');

async function failure(promise: Promise<unknown>): Promise<LlmProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmProviderError);
  return error as LlmProviderError;
}

describe('BedrockLlmProvider region failover', () => {
  it('serves from us-west-2 while us-east-1 throttles, cools us-east-1, then takes it back after the cooldown', async () => {
    const start = clock.now();
    fakes['us-east-1'].script(THROTTLED);
    expect((await bedrock.generate(request())).text).toBe('served by us-west-2');
    expect(counts()).toEqual([1, 1, 0]);
    expect(bedrock.health()).toEqual([
      { region: 'us-east-1', state: 'cooling', consecutiveFailures: 1, until: start + 60_000 },
      { region: 'us-west-2', state: 'healthy', consecutiveFailures: 0 },
      { region: 'ap-northeast-1', state: 'healthy', consecutiveFailures: 0 },
    ]);

    clock.advance(59_999);
    expect((await bedrock.generate(request())).text).toBe('served by us-west-2');
    expect(counts()).toEqual([1, 2, 0]); // straight to us-west-2

    clock.advance(1);
    expect((await bedrock.generate(request())).text).toBe('served by us-east-1');
    expect(counts()).toEqual([2, 2, 0]);
    expect(bedrock.health()[0]).toEqual({ region: 'us-east-1', state: 'healthy', consecutiveFailures: 0 });
  });

  it('doubles the cooldown when the region fails again on its first try back', async () => {
    fakes['us-east-1'].script(THROTTLED);
    await bedrock.generate(request());
    clock.advance(60_000);
    fakes['us-east-1'].script(DOWN);
    expect((await bedrock.generate(request())).text).toBe('served by us-west-2');
    expect(bedrock.health()[0]).toEqual({ region: 'us-east-1', state: 'cooling', consecutiveFailures: 2, until: clock.now() + 120_000 });
  });

  it('fails over streams too, and on InvokeModel', async () => {
    for (const model of MODELS) {
      fakes['us-east-1'].script(DOWN);
      expect(textOf(await collect(bedrock.stream(request(model))))).toBe('served by us-west-2');
    }
    fakes['us-west-2'].script(THROTTLED);
    expect((await bedrock.generate(request(CLAUDE_MODEL))).text).toBe('served by ap-northeast-1');
  });

  it('with every region down: unavailable, after trying each region exactly once', async () => {
    fakes['us-east-1'].script(THROTTLED);
    fakes['us-west-2'].script({ kind: 'status', status: 500 });
    fakes['ap-northeast-1'].script(DOWN);
    expect(await failure(bedrock.generate(request()))).toMatchObject({ kind: 'unavailable', isRetryable: true });
    expect(counts()).toEqual([1, 1, 1]);
    expect(bedrock.health().map((h) => h.state)).toEqual(['cooling', 'cooling', 'cooling']);
  });

  it('with every region throttling: rate-limited', async () => {
    REGIONS.forEach((r) => fakes[r].script(THROTTLED));
    expect(await failure(bedrock.generate(request()))).toMatchObject({ kind: 'rate-limited' });
    expect(counts()).toEqual([1, 1, 1]);
  });

  it('with every region cooling, still tries the one whose cooldown ends first, once', async () => {
    REGIONS.forEach((r) => fakes[r].script(THROTTLED));
    await failure(bedrock.generate(request())); // all three cool, us-east-1 first
    expect((await bedrock.generate(request())).text).toBe('served by us-east-1');
    expect(counts()).toEqual([2, 1, 1]);
  });

  it.each([
    ['400 ValidationException', { kind: 'status', status: 400, errorType: 'ValidationException' }, 'invalid-request'],
    ['403 AccessDeniedException', { kind: 'status', status: 403, errorType: 'AccessDeniedException' }, 'auth'],
    ['404 ResourceNotFoundException', { kind: 'status', status: 404, errorType: 'ResourceNotFoundException' }, 'model-unavailable'],
    ['a malformed body', { kind: 'malformed' }, 'invalid-response'],
    ['408 ModelTimeoutException', { kind: 'status', status: 408, errorType: 'ModelTimeoutException' }, 'timeout'],
  ] as const)('does not fail over on %s, nor cool the region', async (_, behaviour, kind) => {
    fakes['us-east-1'].script(behaviour);
    expect(await failure(bedrock.generate(request()))).toMatchObject({ kind });
    expect(counts()).toEqual([1, 0, 0]);
    expect(bedrock.health()[0]).toMatchObject({ state: 'healthy', consecutiveFailures: 0 });
  });

  it('fails a stream over when it breaks before its first delta', async () => {
    for (const model of MODELS) {
      fakes['us-east-1'].script({ kind: 'cut-stream', afterDeltas: 0 });
      const events = await collect(bedrock.stream(request(model)));
      expect(textOf(events)).toBe('served by us-west-2');
      expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
      clock.advance(60_000);
    }
    expect(counts()).toEqual([2, 2, 0]);
  });

  it('does not fail a stream over after its first delta: the caller has text already', async () => {
    for (const model of MODELS) {
      fakes['us-east-1'].script({ kind: 'cut-stream', afterDeltas: 2, text: FAKE_TEXT });
      const seen: LlmStreamEvent[] = [];
      const consume = async () => {
        for await (const event of bedrock.stream(request(model))) seen.push(event);
      };
      expect(await failure(consume())).toMatchObject({ kind: 'unavailable' });
      expect(seen.map((e) => e.type)).toEqual(['text-delta', 'text-delta']);
      expect(fakes['us-west-2'].count()).toBe(0);
      expect(bedrock.health()[0]).toMatchObject({ state: 'cooling' });
      clock.advance(60_000);
    }
  });

  it('a hang ended by the caller’s signal is a timeout, with no failover and no cooldown', async () => {
    for (const model of MODELS) {
      fakes['us-east-1'].script({ kind: 'hang' }, { kind: 'hang' });
      expect(await failure(bedrock.generate(request(model, AbortSignal.timeout(100))))).toMatchObject({ kind: 'timeout', isRetryable: true });
      expect(await failure(collect(bedrock.stream(request(model, AbortSignal.timeout(100)))))).toMatchObject({ kind: 'timeout' });
    }
    expect(counts()).toEqual([4, 0, 0]);
    expect(bedrock.health()[0]).toMatchObject({ state: 'healthy' });
  }, 5_000);

  it('fails over a region that stops answering when the HTTP handler’s own timeout (not the caller) gives up', async () => {
    bedrock.destroy();
    bedrock = make(REGIONS, new NodeHttpHandler({ requestTimeout: 100, throwOnRequestTimeout: true }));
    fakes['us-east-1'].script({ kind: 'hang' });
    expect((await bedrock.generate(request())).text).toBe('served by us-west-2');
    expect(bedrock.health()[0]).toMatchObject({ state: 'cooling' });
  }, 5_000);

  it.each([
    ['HTTP/2 (the SDK default)', () => undefined],
    ['HTTP/1.1 (NodeHttpHandler)', () => new NodeHttpHandler()],
  ])('makes one client per region, lazily, and reuses it (%s)', async (_, handler) => {
    const requestHandler = handler();
    bedrock.destroy();
    bedrock = make(REGIONS, requestHandler);
    const clientsUsed: { client: BedrockRuntimeClient; region: string }[] = [];
    const send = BedrockRuntimeClient.prototype.send;
    jest.spyOn(BedrockRuntimeClient.prototype, 'send').mockImplementation(async function (this: BedrockRuntimeClient, ...args: Parameters<typeof send>) {
      clientsUsed.push({ client: this, region: await this.config.region() });
      return send.apply(this, args);
    } as typeof send);

    await bedrock.generate(request());
    await collect(bedrock.stream(request(CLAUDE_MODEL)));
    fakes['us-east-1'].script(DOWN);
    await bedrock.generate(request());
    clock.advance(60_000);
    await bedrock.generate(request(CLAUDE_MODEL));

    expect(clientsUsed.map((c) => c.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'us-east-1']);
    const east = clientsUsed.filter((c) => c.region === 'us-east-1').map((c) => c.client);
    expect(new Set(east).size).toBe(1);
    expect(new Set(clientsUsed.map((c) => c.client)).size).toBe(2); // ap-northeast-1 was never needed, so never made
    if (requestHandler) expect(fakes['us-east-1'].connections.h1).toBe(1); // keep-alive: one connection for four calls
  });
});
