import { NodeHttpHandler } from '@smithy/node-http-handler';
import { OfflineLlmProvider } from '../../src/adapters/offline/offline-llm-provider';
import { BedrockLlmProvider } from '../../src/adapters/providers/bedrock/bedrock-llm-provider';
import type { LlmMessage } from '../../src/ports/llm-provider';
import { llmProviderContract } from '../contracts/llm-provider.contract';
import { ManualClock } from '../contracts/support';
import { startBedrockFake, type BedrockFake, type FakeBehaviour, type RecordedRequest } from '../support/fakes/bedrock-fake';

/**
 * The shared LlmProvider contract against the real SDK and the wire fake. The contract's seeded checks need a
 * model that answers alike for the same seed, so the fake answers with the offline phrase bank: each provider
 * instance gets its own base path (`/contract/<seed>/<n>`), and each path its own seeded offline model.
 */
const CONVERSE_MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const CLAUDE_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

let fake: BedrockFake;
let instances = 0;
const models = new Map<string, OfflineLlmProvider>();
const providers: BedrockLlmProvider[] = [];

async function answer(request: RecordedRequest): Promise<FakeBehaviour> {
  const seed = Number(/^\/contract\/(\d+)\//.exec(request.prefix)?.[1] ?? 0);
  let model = models.get(request.prefix);
  if (!model) models.set(request.prefix, (model = new OfflineLlmProvider({ seed, minLatencyMs: 0, maxLatencyMs: 0 })));
  const messages: LlmMessage[] = [
    ...request.prompt.system.map((content) => ({ role: 'system' as const, content })),
    ...request.prompt.messages.map((m) => ({ role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const), content: m.text })),
  ];
  const result = await model.generate({ model: request.modelId, messages, maxTokens: 200, temperature: undefined, signal: undefined });
  return { kind: 'ok', text: result.text, usage: result.usage };
}

beforeAll(async () => {
  fake = await startBedrockFake({ respond: answer });
});
afterAll(async () => {
  providers.splice(0).forEach((p) => p.destroy());
  await fake.close();
});

function make(seed: number, requestHandler?: NodeHttpHandler): BedrockLlmProvider {
  const provider = new BedrockLlmProvider({
    regions: ['us-east-1'],
    endpointFor: () => `${fake.url}/contract/${seed}/${++instances}`,
    apiFor: (id) => (id === CLAUDE_MODEL ? 'invoke-claude' : 'converse'),
    clock: new ManualClock(),
    credentials: { accessKeyId: 'AKIDBEDROCKTEST', secretAccessKey: 'bedrock-test-secret' },
    ...(requestHandler ? { requestHandler } : {}),
  });
  providers.push(provider);
  return provider;
}

llmProviderContract('BedrockLlmProvider (Converse, HTTP/2)', { make: (seed) => make(seed), model: CONVERSE_MODEL });
llmProviderContract('BedrockLlmProvider (InvokeModel, HTTP/1.1)', { make: (seed) => make(seed, new NodeHttpHandler()), model: CLAUDE_MODEL });
