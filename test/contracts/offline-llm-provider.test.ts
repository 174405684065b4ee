import { OfflineLlmProvider } from '../../src/adapters/offline/offline-llm-provider';
import { llmProviderContract } from './llm-provider.contract';

llmProviderContract('OfflineLlmProvider', {
  make: (seed) => new OfflineLlmProvider({ seed, minLatencyMs: 0, maxLatencyMs: 5 }),
  model: 'gpt-4.1-mini',
});
