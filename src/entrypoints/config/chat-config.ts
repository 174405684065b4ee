import * as z from 'zod';
import type { ChatSettings } from '../../application/chat/chat-settings';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const ratio = z.coerce.number().min(0).max(2);

/** DynamoDB refuses items over 400 KB; a session holds `CHAT_HISTORY_TURNS` turns of message and reply. */
const MAX_SESSION_ITEM_BYTES = 380_000;
/** A reply is cut at this many characters; 3 bytes each at most in UTF-8 outside the astral planes (4 for those, which count 2 in UTF-16 but 1 here). */
const MAX_REPLY_CHARS = 4_000;
const MAX_REPLY_BYTES = MAX_REPLY_CHARS * 4;

/** Chat's settings (both profiles), spread into the shared config shape. */
export const chatShape = {
  CHAT_DEADLINE_MS: int(500, 28_000).default(3_000),
  CHAT_RETRY_RESERVE_MS: int(0, 20_000).default(800),
  CHAT_WRITE_RESERVE_MS: int(0, 5_000).default(150),
  CHAT_MIN_ATTEMPT_MS: int(50, 5_000).default(250),
  CHAT_HISTORY_TURNS: int(1, 50).default(10),
  CHAT_HISTORY_MAX_TOKENS: int(100, 200_000).default(8_000),
  CHAT_MAX_MESSAGE_CHARS: int(1, 100_000).default(4_000),
  CHAT_MAX_MESSAGE_BYTES: int(16, 400_000).default(16_384),
  CHAT_BODY_LIMIT_BYTES: int(1_024, 1_048_576).default(32_768),
  CHAT_MAX_OUTPUT_TOKENS: int(16, 8_192).default(400),
  CHAT_TEMPERATURE: ratio.default(0.3),
  CHAT_CACHE_TTL_MS: int(0, 86_400_000).default(300_000),
  CHAT_SESSION_TTL_MS: int(60_000, 30 * 86_400_000).default(86_400_000),
  CHAT_REQUESTS_PER_MINUTE: int(1, 1_000_000).default(30),
  CHAT_AUTO_SMALL_TOKENS: int(0, 100_000).default(60),
  CHAT_AUTO_LARGE_TOKENS: int(0, 100_000).default(400),
};

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)' });

/** The `aws` profile's extra chat setting, spread into its shape. */
export const chatAwsShape = { SESSIONS_TABLE: tableName };

type ChatConfig = { readonly [K in keyof typeof chatShape]: z.infer<(typeof chatShape)[K]> };

export class ChatConfigError extends Error {
  override readonly name = 'ChatConfigError';
}

/**
 * The use cases' settings. Settings that only make sense together are checked here, once at start-up, with a
 * message naming the variables to change.
 */
export function chatSettings(config: ChatConfig): ChatSettings {
  const problems: string[] = [];
  if (config.CHAT_RETRY_RESERVE_MS + config.CHAT_WRITE_RESERVE_MS + config.CHAT_MIN_ATTEMPT_MS > config.CHAT_DEADLINE_MS) {
    problems.push('CHAT_RETRY_RESERVE_MS + CHAT_WRITE_RESERVE_MS + CHAT_MIN_ATTEMPT_MS must not exceed CHAT_DEADLINE_MS');
  }
  if (config.CHAT_AUTO_SMALL_TOKENS > config.CHAT_AUTO_LARGE_TOKENS) problems.push('CHAT_AUTO_SMALL_TOKENS must not exceed CHAT_AUTO_LARGE_TOKENS');
  if (config.CHAT_HISTORY_TURNS * (config.CHAT_MAX_MESSAGE_BYTES + MAX_REPLY_BYTES) > MAX_SESSION_ITEM_BYTES) {
    problems.push(`CHAT_HISTORY_TURNS × (CHAT_MAX_MESSAGE_BYTES + ${MAX_REPLY_BYTES}) must stay under ${MAX_SESSION_ITEM_BYTES} bytes (one DynamoDB item)`);
  }
  if (problems.length > 0) throw new ChatConfigError(`invalid chat configuration:\n  ${problems.join('\n  ')}`);
  return {
    deadlineMs: config.CHAT_DEADLINE_MS,
    split: { retryReserveMs: config.CHAT_RETRY_RESERVE_MS, writeReserveMs: config.CHAT_WRITE_RESERVE_MS, minAttemptMs: config.CHAT_MIN_ATTEMPT_MS },
    history: { maxTurns: config.CHAT_HISTORY_TURNS, maxTokens: config.CHAT_HISTORY_MAX_TOKENS },
    message: { maxChars: config.CHAT_MAX_MESSAGE_CHARS, maxBytes: config.CHAT_MAX_MESSAGE_BYTES, maxControlRatio: 0.05 },
    maxOutputTokens: config.CHAT_MAX_OUTPUT_TOKENS,
    maxReplyChars: MAX_REPLY_CHARS,
    defaultTemperature: config.CHAT_TEMPERATURE,
    cacheTtlMs: config.CHAT_CACHE_TTL_MS,
    sessionTtlMs: config.CHAT_SESSION_TTL_MS,
    rate: { limit: config.CHAT_REQUESTS_PER_MINUTE, windowMs: 60_000 },
    auto: { smallTokens: config.CHAT_AUTO_SMALL_TOKENS, largeTokens: config.CHAT_AUTO_LARGE_TOKENS },
    reference: { services: 3, sayingsPerService: 2, quoted: 2 },
    modelsDownRetryAfterMs: 5_000,
  };
}
