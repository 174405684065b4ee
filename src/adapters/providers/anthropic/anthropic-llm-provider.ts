import Anthropic from '@anthropic-ai/sdk';
import type { Clock } from '../../../ports/clock';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../../ports/llm-provider';
import { toLlmProviderError } from './error-mapping';
import { toMessageParams, toStreamingParams } from './request-mapping';
import { ANTHROPIC, fromMessage } from './response-mapping';
import { toStreamEvents } from './stream-mapping';

export interface AnthropicSettings {
  /** Read on every call, so a rotated key takes effect at once. Undefined: no key configured. */
  readonly apiKey: () => Promise<string | undefined>;
  /** The host root, without `/v1`. Undefined: Anthropic itself (never `ANTHROPIC_BASE_URL`). */
  readonly baseURL: string | undefined;
  /** Turns a `Retry-After` date into a delay. */
  readonly clock: Clock;
}

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/**
 * The longest delay `setTimeout` accepts; a larger one would fire at once. The caller's signal is the
 * deadline. Setting it also stops the SDK refusing non-streaming calls it guesses would run past 10 minutes.
 */
const NO_SDK_TIMEOUT_MS = 2_147_483_647;

/** The Anthropic Messages API through the official SDK, its retries off. */
export class AnthropicLlmProvider implements LlmProvider {
  readonly name = ANTHROPIC;
  readonly offline = false;
  private client: Anthropic | undefined;

  constructor(private readonly settings: AnthropicSettings) {}

  async generate(request: LlmRequest): Promise<LlmResult> {
    const client = await this.clientForCurrentKey();
    let body: unknown;
    try {
      body = await client.messages.create(toMessageParams(request), { signal: request.signal });
    } catch (error) {
      throw toLlmProviderError(error, request.signal, this.settings.clock.now());
    }
    return fromMessage(body);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const client = await this.clientForCurrentKey();
    try {
      const events = await client.messages.create(toStreamingParams(request), { signal: request.signal });
      yield* toStreamEvents(events, request.signal);
    } catch (error) {
      throw toLlmProviderError(error, request.signal, this.settings.clock.now());
    }
  }

  /** One client per key, so its connections are reused; a new key gets a new client. */
  private async clientForCurrentKey(): Promise<Anthropic> {
    let apiKey: string | undefined;
    try {
      apiKey = await this.settings.apiKey();
    } catch (cause) {
      throw new LlmProviderError('unavailable', `${ANTHROPIC} API key could not be read`, { provider: ANTHROPIC, cause });
    }
    if (!apiKey) throw new LlmProviderError('auth', `${ANTHROPIC} has no API key configured`, { provider: ANTHROPIC });
    if (this.client?.apiKey !== apiKey) {
      this.client = new Anthropic({
        apiKey,
        baseURL: this.settings.baseURL ?? ANTHROPIC_BASE_URL,
        // Retries belong to the resilience layer, which sees every attempt against one deadline.
        maxRetries: 0,
        timeout: NO_SDK_TIMEOUT_MS,
        // The SDK logs to the console, past our redacting logger; failures reach us as errors instead.
        logLevel: 'off',
      });
    }
    return this.client;
  }
}
