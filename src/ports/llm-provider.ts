export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface LlmRequest {
  /** The vendor's model id. */
  readonly model: string;
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number;
  readonly temperature: number | undefined;
  /** Aborts the call: the caller's deadline or a client that went away. */
  readonly signal: AbortSignal | undefined;
  /** The model's time budget for the whole call, retries included (the catalog's per-model timeout). */
  readonly timeoutMs?: number;
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'error' | 'other' | 'unknown';

export interface LlmUsage {
  /** As reported by the provider; undefined when it reported none. Never an invented zero. */
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
}

export interface LlmResult {
  readonly text: string;
  readonly usage: LlmUsage;
  readonly finishReason: FinishReason;
  /** The vendor's own finish reason, for logs. */
  readonly rawFinishReason: string | undefined;
}

export type LlmStreamEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | {
      readonly type: 'finish';
      readonly usage: LlmUsage;
      readonly finishReason: FinishReason;
      readonly rawFinishReason: string | undefined;
    };

/** One vendor (or its offline stand-in) behind one shape. */
export interface LlmProvider {
  /** e.g. `openai`, `anthropic`, `bedrock`, `offline`. */
  readonly name: string;
  /** True for the simulated provider that stands in when a vendor has no credentials. */
  readonly offline: boolean;
  /**
   * False while calls would fail fast without reaching the vendor (the circuit is open), so callers can choose
   * another model. A provider without the method is always available.
   */
  isAvailable?(): boolean;
  generate(request: LlmRequest): Promise<LlmResult>;
  /** Text deltas as they arrive, ending with exactly one `finish` event. */
  stream(request: LlmRequest): AsyncIterable<LlmStreamEvent>;
}

/** Which provider serves each catalog model key. */
export type ModelProviders = ReadonlyMap<string, LlmProvider>;

/**
 * `model-unavailable`: the vendor does not serve the model id we sent (HTTP 404) — a retired id, or one this
 * account or endpoint cannot use. Not the caller's fault and not transient: an operator moves the model
 * (`MODEL_OVERRIDES`, ADR 0023); retrying changes nothing.
 */
export type LlmErrorKind = 'rate-limited' | 'timeout' | 'unavailable' | 'invalid-request' | 'model-unavailable' | 'auth' | 'invalid-response';

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(['rate-limited', 'timeout', 'unavailable']);

/** Every provider failure, classified; the message never carries a credential. */
export class LlmProviderError extends Error {
  override readonly name = 'LlmProviderError';
  readonly isRetryable: boolean;
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly details: { readonly provider: string; readonly status?: number; readonly retryAfterMs?: number; readonly cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.isRetryable = RETRYABLE.has(kind);
  }
}
