import type { Container } from 'inversify';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { LlmProvider, ModelProviders } from '../../src/ports/llm-provider';
import { answer, chat, stubProvider } from '../support/chat';
import { startAnthropicFake } from '../support/fakes/anthropic-fake';
import { startOpenAiFake } from '../support/fakes/openai-fake';
import type { FakeBehaviour, FakeServer, RecordedRequest } from '../support/fakes/scripted-http';
import { startHarness, type Harness } from '../support/local-harness';

const modelOf = (r: RecordedRequest): string => String((r.body as { model?: unknown } | undefined)?.model);

/*
 * The 3 s sync path (seed 002) with the real OpenAI and Anthropic SDKs, behind the resilience layer, against the
 * wire fakes. With the defaults the first call gets 2,050 ms and the retry 800 ms. Bounds are generous: they
 * only say "answered before the deadline plus slack", which no load can make flaky in the passing direction.
 */
describe('the chat deadline with real SDKs against slow vendors', () => {
  let openai: FakeServer;
  let anthropic: FakeServer;
  let h: Harness;
  let behaviour: (model: string) => FakeBehaviour;
  beforeEach(async () => {
    behaviour = () => ({ kind: 'ok' });
    openai = await startOpenAiFake({ respond: (r) => behaviour(modelOf(r)) });
    anthropic = await startAnthropicFake({ respond: (r) => behaviour(modelOf(r)) });
    h = await startHarness({
      env: { OPENAI_API_KEY: 'sk-test-openai-000000', OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: 'sk-ant-test-00000000', ANTHROPIC_BASE_URL: anthropic.url },
    });
  });
  afterEach(async () => {
    await h.close();
    await openai.close();
    await anthropic.close();
  });

  it('when the chosen model hangs, retries once on the fastest live model and answers within the deadline', async () => {
    behaviour = (model) => (model === 'claude-sonnet-4-5' ? { kind: 'hang' } : { kind: 'ok', text: `answer from ${model}`, usage: { inputTokens: 300, outputTokens: 12 } });
    const started = Date.now();
    const res = await chat(h, 'sendMessage', { message: 'Explain Amazon S3 in detail please', modelPreference: 'quality' }).expect(200);
    expect(Date.now() - started).toBeLessThan(3_000 + 1_500);
    // Sonnet (tier 4) was chosen; of Haiku, GPT-4.1 and GPT-4.1-mini the fastest (tier 1) took the retry.
    expect(res.body).toMatchObject({ model: 'gpt-4.1-mini', vendor: 'openai', retried: true, offline: false, reply: 'answer from gpt-4.1-mini' });
    expect(res.body.tokens).toEqual({ input: 300, output: 12, total: 312, estimated: false });
    expect(res.body.costNano).toBe(312 * 1_000);
    expect(anthropic.requests.map(modelOf)).toEqual(['claude-sonnet-4-5']);
    expect(openai.requests.map(modelOf)).toEqual(['gpt-4.1-mini']);
    expect(res.body.latencyMs).toBeLessThan(res.body.executionTime);
  });

  it('answers 503 chat_timeout with Retry-After before the deadline when every model hangs, after at most two upstream calls', async () => {
    behaviour = () => ({ kind: 'hang' });
    const started = Date.now();
    const res = await chat(h, 'sendMessage', { message: 'hello', modelPreference: 'fast' }).expect(503);
    expect(Date.now() - started).toBeLessThan(3_000 + 1_500);
    expect(res.body.error.code).toBe('chat_timeout');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(openai.requests.length + anthropic.requests.length).toBe(2);
    expect(h.logs.some((l) => l.message === 'chat message not answered' && l.fields?.code === 'chat_timeout')).toBe(true);
  });

  it('a chosen vendor failing with 500 is retried by the resilience layer within its budget, then failed over to the fastest other model', async () => {
    behaviour = (model) => (model === 'claude-sonnet-4-5' ? { kind: 'status', status: 500 } : { kind: 'ok', text: `answer from ${model}` });
    const res = await chat(h, 'sendMessage', { message: 'Which is better, Amazon RDS or Amazon Aurora?', modelPreference: 'quality' }).expect(200);
    expect(res.body).toMatchObject({ model: 'gpt-4.1-mini', retried: true, reply: 'answer from gpt-4.1-mini' });
    expect(anthropic.requests.length).toBeGreaterThanOrEqual(1);
    expect(anthropic.requests.length).toBeLessThanOrEqual(3);
    expect(anthropic.requests.every((r) => modelOf(r) === 'claude-sonnet-4-5')).toBe(true);
    expect(openai.requests.map(modelOf)).toEqual(['gpt-4.1-mini']);
  });
});

/** Live in-process providers per catalog key, replacing the container's (for tests about time and health only). */
function withProviders(c: Container, byModel: (key: string) => LlmProvider): void {
  const current = c.get<ModelProviders>(TOKENS.ModelProviders);
  void c.rebind<ModelProviders>(TOKENS.ModelProviders).toConstantValue(new Map([...current.keys()].map((k) => [k, byModel(k)])));
}

describe('the chat deadline and model health with in-process providers', () => {
  it('holds even against a provider that ignores its abort signal', async () => {
    const never = stubProvider('stuck', () => new Promise(() => undefined));
    const h = await startHarness({ env: { CHAT_DEADLINE_MS: '1000', CHAT_RETRY_RESERVE_MS: '300' }, configure: (c) => withProviders(c, () => never) });
    try {
      const started = Date.now();
      const res = await chat(h, 'sendMessage', { message: 'hello' }).expect(503);
      expect(Date.now() - started).toBeLessThan(1_000 + 1_500);
      expect(res.body.error.code).toBe('chat_timeout');
    } finally {
      await h.close();
    }
  });

  it('skips a model whose circuit is open, and answers 503 all_models_down when every one is', async () => {
    let down = new Set(['sonnet']);
    const h = await startHarness({
      configure: (c) => withProviders(c, (key) => stubProvider(`stub-${key}`, () => Promise.resolve(answer(`from ${key}`)), () => !down.has(key))),
    });
    try {
      const res = await chat(h, 'sendMessage', { message: 'hello', modelPreference: 'quality' }).expect(200);
      expect(['gpt-4.1', 'bedrock-claude-3-sonnet']).toContain(res.body.model);
      expect(res.body).toMatchObject({ offline: false, retried: false, reply: `from ${res.body.model}` });
      down = new Set(['haiku', 'sonnet', 'gpt-4.1', 'gpt-4.1-mini', 'bedrock-claude-3-sonnet', 'bedrock-claude-3-haiku']);
      const refused = await chat(h, 'sendMessage', { message: 'hello again', modelPreference: 'quality' }).expect(503);
      expect(refused.body.error.code).toBe('all_models_down');
      expect(refused.headers['retry-after']).toBe('5');
    } finally {
      await h.close();
    }
  });

  it('a reply of nothing counts as a failure and goes to the retry', async () => {
    const h = await startHarness({
      configure: (c) => withProviders(c, (key) => stubProvider(`stub-${key}`, () => Promise.resolve(answer(key === 'bedrock-claude-3-haiku' ? '  ' : `from ${key}`)))),
    });
    try {
      const res = await chat(h, 'sendMessage', { message: 'hello', modelPreference: 'fast' }).expect(200);
      // Claude 3 Haiku (Bedrock) is the cheapest; GPT-4.1-mini (tier 1, 10 s timeout, next cheapest) the fastest other.
      expect(res.body).toMatchObject({ model: 'gpt-4.1-mini', retried: true, reply: 'from gpt-4.1-mini' });
    } finally {
      await h.close();
    }
  });
});
