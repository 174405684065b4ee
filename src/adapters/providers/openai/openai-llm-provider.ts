import OpenAI from 'openai';
import type { Clock } from '../../../ports/clock';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../../ports/llm-provider';
import { toLlmProviderError } from './error-mapping';
import { toChatCompletionParams, toStreamingParams } from './request-mapping';
import { fromChatCompletion, OPENAI, OPENAI_BASE_URL } from './response-mapping';
import { toStreamEvents } from './stream-mapping';

export { OPENAI_BASE_URL };

export interface OpenAiSettings {
  /** Read on every call, so a rotated key takes effect at once. Undefined: no key configured. */
  readonly apiKey: () => Promise<string | undefined>;
  /** Must include `/v1`. Undefined: OpenAI itself (never the `OPENAI_BASE_URL` environment variable). */
  readonly baseURL: string | undefined;
  /** Turns a `Retry-After` date into a delay. */
  readonly clock: Clock;
  /** The SDK's transport; the built-in fetch when absent (see createNodeHttpFetch). */
  readonly fetch?: typeof fetch;
}


/** The longest delay `setTimeout` accepts; a larger one would fire at once. The caller's signal is the deadline. */
const NO_SDK_TIMEOUT_MS = 2_147_483_647;

/** OpenAI Chat Completions (or any server that speaks it) through the official SDK, its retries off. */
export class OpenAiLlmProvider implements LlmProvider {
  readonly name = OPENAI;
  readonly offline = false;
  private client: OpenAI | undefined;

  constructor(private readonly settings: OpenAiSettings) {}

  async generate(request: LlmRequest): Promise<LlmResult> {
    const client = await this.clientForCurrentKey();
    let body: unknown;
    try {
      body = await client.chat.completions.create(toChatCompletionParams(request), { signal: request.signal });
    } catch (error) {
      throw toLlmProviderError(error, request.signal, this.settings.clock.now());
    }
    return fromChatCompletion(body);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const client = await this.clientForCurrentKey();
    try {
      const chunks = await client.chat.completions.create(toStreamingParams(request), { signal: request.signal });
      yield* toStreamEvents(chunks, request.signal);
    } catch (error) {
      throw toLlmProviderError(error, request.signal, this.settings.clock.now());
    }
  }

  /** One client per key, so its connections are reused; a new key gets a new client. */
  private async clientForCurrentKey(): Promise<OpenAI> {
    let apiKey: string | undefined;
    try {
      apiKey = await this.settings.apiKey();
    } catch (cause) {
      throw new LlmProviderError('unavailable', `${OPENAI} API key could not be read`, { provider: OPENAI, cause });
    }
    if (!apiKey) throw new LlmProviderError('auth', `${OPENAI} has no API key configured`, { provider: OPENAI });
    if (this.client?.apiKey !== apiKey) {
      this.client = new OpenAI({
        apiKey,
        baseURL: this.settings.baseURL ?? OPENAI_BASE_URL,
        // Retries belong to the resilience layer, which sees every attempt against one deadline.
        maxRetries: 0,
        timeout: NO_SDK_TIMEOUT_MS,
        // Not read from the environment: only what the composition root configured goes on the wire.
        organization: null,
        project: null,
        // The SDK logs to the console, past our redacting logger; failures reach us as errors instead.
        logLevel: 'off',
        ...(this.settings.fetch ? { fetch: this.settings.fetch } : {}),
      });
    }
    return this.client;
  }
}
