import { OfflineLlmProvider } from '../../src/adapters/offline/offline-llm-provider';
import { createNodeHttpFetch } from '../../src/adapters/providers/shared/node-http-fetch';
import { OpenAiHttpLlmProvider } from '../../src/adapters/providers/openai/openai-http-llm-provider';
import { OpenAiLlmProvider } from '../../src/adapters/providers/openai/openai-llm-provider';
import type { LlmMessage } from '../../src/ports/llm-provider';
import { llmProviderContract } from '../contracts/llm-provider.contract';
import { startOpenAiFake, type FakeBehaviour, type FakeServer, type RecordedRequest } from '../support/fakes/openai-fake';

/*
 * The contract's seeded and sayings checks are about content, which a real vendor decides. Here the fake
 * decides it by asking an offline model seeded from the API key (`sk-contract-<seed>-<instance>`), one per
 * provider instance as `make(seed)` expects; the adapter under test sees an ordinary key and an ordinary
 * vendor answer, so everything else the contract checks is the adapter's own doing.
 */
const offlineModels = new Map<string, OfflineLlmProvider>();

async function answerAsOffline(request: RecordedRequest): Promise<FakeBehaviour> {
  const key = (request.headers.authorization ?? '').replace(/^Bearer /, '');
  const seed = Number(/^sk-contract-(\d+)-/.exec(key)?.[1] ?? 0);
  const model = offlineModels.get(key) ?? new OfflineLlmProvider({ seed, minLatencyMs: 0, maxLatencyMs: 0 });
  offlineModels.set(key, model);
  const body = request.body as { readonly messages: readonly LlmMessage[]; readonly max_tokens: number };
  const result = await model.generate({ model: 'offline', messages: body.messages, maxTokens: body.max_tokens, temperature: undefined, signal: undefined });
  return { kind: 'ok', text: result.text, usage: { inputTokens: result.usage.inputTokens ?? 1, outputTokens: result.usage.outputTokens ?? 1 } };
}

let fake: FakeServer;
beforeAll(async () => {
  fake = await startOpenAiFake({ respond: answerAsOffline });
});
afterAll(() => fake.close());

let instances = 0;
llmProviderContract('OpenAiLlmProvider (real SDK, wire fake)', {
  make: (seed) => {
    const key = `sk-contract-${seed}-${++instances}`;
    return new OpenAiLlmProvider({ apiKey: async () => key, baseURL: fake.url, clock: { now: () => Date.now(), monotonicMs: () => 0 } });
  },
  model: 'gpt-4.1-mini',
});

llmProviderContract('OpenAiLlmProvider (real SDK over the node:http fetch, wire fake)', {
  make: (seed) => {
    const key = `sk-contract-${seed}-${++instances}`;
    return new OpenAiLlmProvider({ apiKey: async () => key, baseURL: fake.url, clock: { now: () => Date.now(), monotonicMs: () => 0 }, fetch: createNodeHttpFetch() });
  },
  model: 'gpt-4.1-mini',
});

llmProviderContract('OpenAiHttpLlmProvider (node:http without the SDK, wire fake)', {
  make: (seed) => {
    const key = `sk-contract-${seed}-${++instances}`;
    return new OpenAiHttpLlmProvider({ apiKey: async () => key, baseURL: fake.url, clock: { now: () => Date.now(), monotonicMs: () => 0 } });
  },
  model: 'gpt-4.1-mini',
});
