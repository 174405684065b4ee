import type { Container } from 'inversify';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { LlmProvider, LlmRequest, LlmResult, ModelProviders } from '../../src/ports/llm-provider';
import type { Harness } from './local-harness';

export interface ChatData {
  readonly message?: string;
  readonly sessionId?: string;
  readonly preferredLanguage?: string;
  readonly modelPreference?: string;
  readonly temperature?: number;
}

/** POST /chat with the seed's envelope. */
export function chat(h: Harness, action: string, data: ChatData = {}, extra: Record<string, unknown> = {}) {
  return h.http.post('/chat').send({ action, data, ...extra });
}

export interface RecordedCall {
  readonly modelKey: string;
  readonly request: LlmRequest;
}

/**
 * Wraps every provider of the container so that a test sees each call (which model, which messages); the
 * wrapped providers still answer. Call from `configure`, before anything is resolved.
 */
export function recordModelCalls(c: Container): RecordedCall[] {
  const calls: RecordedCall[] = [];
  const original = c.get<ModelProviders>(TOKENS.ModelProviders);
  const wrapped = new Map<string, LlmProvider>();
  for (const [key, provider] of original) {
    wrapped.set(key, {
      name: provider.name,
      offline: provider.offline,
      ...(provider.isAvailable ? { isAvailable: () => provider.isAvailable?.() ?? true } : {}),
      generate: (request: LlmRequest): Promise<LlmResult> => {
        calls.push({ modelKey: key, request });
        return provider.generate(request);
      },
      stream: (request: LlmRequest) => provider.stream(request),
    });
  }
  void c.rebind<ModelProviders>(TOKENS.ModelProviders).toConstantValue(wrapped);
  return calls;
}

/** A live, in-process provider with a scripted behaviour, for tests where only time or health matters. */
export function stubProvider(name: string, behave: (request: LlmRequest) => Promise<LlmResult>, available: () => boolean = () => true): LlmProvider {
  return {
    name,
    offline: false,
    isAvailable: available,
    generate: behave,
    stream: () => {
      throw new Error('not used');
    },
  };
}

export const answer = (text: string, usage = { inputTokens: 100, outputTokens: 20 }): LlmResult => ({
  text,
  usage,
  finishReason: 'stop',
  rawFinishReason: 'stop',
});
