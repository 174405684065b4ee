import { OfflineLlmProvider } from '../../src/adapters/offline/offline-llm-provider';
import { AnthropicLlmProvider } from '../../src/adapters/providers/anthropic/anthropic-llm-provider';
import type { LlmMessage } from '../../src/ports/llm-provider';
import { llmProviderContract } from '../contracts/llm-provider.contract';
import { startAnthropicFake, type FakeBehaviour, type FakeServer, type RecordedRequest } from '../support/fakes/anthropic-fake';

/*
 * The contract's seeded and sayings checks are about content, which a real vendor decides. Here the fake
 * decides it by asking an offline model seeded from the API key (`sk-contract-<seed>-<instance>`), one per
 * provider instance as `make(seed)` expects; the adapter under test sees an ordinary key and an ordinary
 * vendor answer, so everything else the contract checks is the adapter's own doing.
 */
const offlineModels = new Map<string, OfflineLlmProvider>();

async function answerAsOffline(request: RecordedRequest): Promise<FakeBehaviour> {
  const key = request.headers['x-api-key'] ?? (request.headers.authorization ?? '').replace(/^Bearer /, '');
  const seed = Number(/^sk-contract-(\d+)-/.exec(key)?.[1] ?? 0);
  const model = offlineModels.get(key) ?? new OfflineLlmProvider({ seed, minLatencyMs: 0, maxLatencyMs: 0 });
  offlineModels.set(key, model);
  const body = request.body as { readonly system?: string; readonly messages: readonly LlmMessage[]; readonly max_tokens: number };
  const messages: readonly LlmMessage[] = [...(body.system ? [{ role: 'system' as const, content: body.system }] : []), ...body.messages];
  const result = await model.generate({ model: 'offline', messages, maxTokens: body.max_tokens, temperature: undefined, signal: undefined });
  return { kind: 'ok', text: result.text, usage: { inputTokens: result.usage.inputTokens ?? 1, outputTokens: result.usage.outputTokens ?? 1 } };
}

let fake: FakeServer;
beforeAll(async () => {
  fake = await startAnthropicFake({ respond: answerAsOffline });
});
afterAll(() => fake.close());

let instances = 0;
llmProviderContract('AnthropicLlmProvider (real SDK, wire fake)', {
  make: (seed) => {
    const key = `sk-contract-${seed}-${++instances}`;
    return new AnthropicLlmProvider({ apiKey: async () => key, baseURL: fake.url, clock: { now: () => Date.now(), monotonicMs: () => 0 } });
  },
  model: 'claude-haiku-4-5',
});
