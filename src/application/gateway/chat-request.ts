import type { Vendor } from '../../domain/catalog/model-catalog';
import type { FinishReason, LlmMessage } from '../../ports/llm-provider';
import type { RateDecision } from '../../ports/rate-limiter';

/** A chat completion as the gateway's use case sees it: already shaped by the door's schema. */
export interface GatewayChatRequest {
  /** As the client named it: a catalog key (`haiku`) or a vendor model id (`claude-haiku-4-5`). */
  readonly model: string;
  /** As received; the use case checks and cleans every content (seed 002) before anything else sees it. */
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly stream: boolean;
  /** The other fields that would change the answer, for the cache key (canonical JSON values). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Ends the call: the client went away, or the door's deadline passed. */
  readonly signal: AbortSignal | undefined;
}

export type GatewayErrorCode =
  | 'invalid_request'
  | 'model_not_found'
  | 'tokens_over_limit'
  | 'rate_limit_requests'
  | 'rate_limit_tokens'
  | 'budget_exceeded'
  | 'upstream_rate_limited'
  | 'upstream_timeout'
  | 'upstream_unavailable'
  | 'upstream_invalid_response'
  | 'upstream_rejected'
  | 'upstream_auth'
  | 'client_closed';

/** Both of a key's limits as they stood after this request, for the `x-ratelimit-*` headers. */
export interface RateLimitView {
  readonly requests: RateDecision;
  readonly tokens: RateDecision;
}

/** An expected failure: the door turns it into OpenAI's error shape, with its status. */
export interface GatewayFailure {
  readonly code: GatewayErrorCode;
  /** Says what to fix; never carries a key, a prompt or an upstream body. */
  readonly message: string;
  /** The request field at fault, OpenAI's `param`. */
  readonly param: string | undefined;
  readonly retryAfterMs?: number;
  readonly limits?: RateLimitView;
}

export interface ServedModel {
  /** Catalog key. */
  readonly key: string;
  readonly vendor: Vendor;
  readonly vendorModelId: string;
  /** `openai`, `anthropic`, `bedrock` or `offline`. */
  readonly provider: string;
  /** True when the offline simulation answers: the door labels such responses. */
  readonly offline: boolean;
}

export interface CompletionUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** True when the provider reported none and these are our estimate. */
  readonly estimated: boolean;
}

export interface Completion {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly usage: CompletionUsage;
}

export type ChatStreamEvent =
  | { readonly type: 'delta'; readonly text: string }
  | { readonly type: 'finish'; readonly finishReason: FinishReason; readonly usage: CompletionUsage }
  /** The stream failed after it started: the door ends it in-band (an error event, then `[DONE]`). */
  | { readonly type: 'error'; readonly failure: GatewayFailure };

export interface ReplyMeta {
  /** `chatcmpl-…`, one per response (a cache hit gets a new one). */
  readonly id: string;
  /** Epoch seconds. */
  readonly created: number;
  readonly model: ServedModel;
  readonly limits: RateLimitView;
  readonly cache: 'HIT' | 'MISS';
}

export type ChatOutcome =
  | {
      readonly kind: 'completion';
      readonly meta: ReplyMeta;
      readonly completion: Completion;
      /**
       * The settlement (usage line, key spend, reservation released), still running: it is off the response's
       * path, so the client does not wait for it. Never rejects. A door whose process may freeze once it answers
       * (Lambda) awaits it first.
       */
      readonly settled: Promise<void>;
    }
  | {
      readonly kind: 'stream';
      readonly meta: ReplyMeta;
      readonly events: AsyncIterable<ChatStreamEvent>;
      /**
       * The settlement the stream starts when it ends (read to the end, failed, or closed by the client): resolves
       * once it is done, never rejects, and stays pending while the stream has not ended.
       */
      readonly settled: Promise<void>;
    };

export interface GatewaySettings {
  /** For keys with no limits of their own. */
  readonly defaultRpm: number;
  readonly defaultTpm: number;
  /** The output budget of a request that names none (clamped to the model's limit). */
  readonly defaultMaxTokens: number;
  readonly cacheTtlMs: number;
  /** The whole upstream call, retries included. */
  readonly upstreamTimeoutMs: number;
  readonly maxMessages: number;
  /** Per message, in UTF-8 bytes after cleaning. */
  readonly maxMessageBytes: number;
  /** Control characters allowed as a share of a message (seed 002: 0.05). */
  readonly maxControlRatio: number;
}

/**
 * The HTTP status of each outcome: part of the OpenAI-compatible contract, so the usage ledger and every door
 * agree. `client_closed` is nginx's 499: nobody receives it, the ledger records it.
 */
export const GATEWAY_STATUS: Readonly<Record<GatewayErrorCode, number>> = {
  invalid_request: 400,
  tokens_over_limit: 400,
  model_not_found: 404,
  rate_limit_requests: 429,
  rate_limit_tokens: 429,
  budget_exceeded: 429,
  upstream_rate_limited: 429,
  upstream_rejected: 400,
  upstream_auth: 502,
  upstream_invalid_response: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  client_closed: 499,
};
