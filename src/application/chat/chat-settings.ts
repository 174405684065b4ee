import type { ChatMessageRules } from '../../domain/chat/chat-message';
import type { HistoryWindow } from '../../domain/chat/chat-prompt';
import type { ReferenceLimits } from '../../domain/chat/chat-reference';
import type { DeadlineSplit } from '../../domain/chat/chat-deadline';
import type { AutoThresholds } from '../../domain/chat/model-choice';
import type { RatePolicy } from '../../ports/rate-limiter';

/** Everything the chat use cases are tuned by; built from configuration by the composition root. */
export interface ChatSettings {
  /** The whole sync path, from the request's arrival to its answer (seed 002: 3 s). */
  readonly deadlineMs: number;
  readonly split: DeadlineSplit;
  /** Turns kept per session and carried in the prompt (seed 002: 10), and the prompt's token cap for them. */
  readonly history: HistoryWindow;
  readonly message: ChatMessageRules;
  /** The reply's token limit (never above the model's own). */
  readonly maxOutputTokens: number;
  /** Replies longer than this are cut, so that a session item stays within DynamoDB's 400 KB. */
  readonly maxReplyChars: number;
  readonly defaultTemperature: number;
  /** Identical-prompt cache (seed 002: 300 s); 0 turns it off. */
  readonly cacheTtlMs: number;
  /** A session is gone this long after its last write. */
  readonly sessionTtlMs: number;
  /** Per client, over every chat action. */
  readonly rate: RatePolicy;
  readonly auto: AutoThresholds;
  readonly reference: ReferenceLimits;
  /** Retry-After when every model is failing fast. */
  readonly modelsDownRetryAfterMs: number;
}
