import { err, ok, type Result } from '../shared/result';
import { checkUserText, type UserTextRules } from '../text/user-text';

export interface ChatMessageRules extends UserTextRules {
  /** Characters (code points, as JSON Schema counts them) a message may have (seed 002: 4000). */
  readonly maxChars: number;
}

/** Seed 002's limits. */
export const SEED_MESSAGE_RULES: ChatMessageRules = { maxChars: 4_000, maxBytes: 16_384, maxControlRatio: 0.05 };

/** The server-side rules (seed 002's second layer, after the schema); each failure names its rule. */
export type ChatMessageProblem =
  | { readonly rule: 'message_too_large'; readonly message: string }
  | { readonly rule: 'null_byte'; readonly message: string }
  | { readonly rule: 'lone_surrogate'; readonly message: string }
  | { readonly rule: 'too_many_control_characters'; readonly message: string }
  | { readonly rule: 'message_blank'; readonly message: string };

export const countChars = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/**
 * The text that reaches the prompt, the cache key and the history: zero-width and bidirectional controls
 * removed, NFC, trimmed (seed 002's sanitize_for_prompt) — or the rule it breaks.
 *
 * Seed 002's injection-pattern blocklist (`<script`, `{{…}}`, `os.system`) and its CJK-plus-Cyrillic
 * heuristic are deliberately not applied: people ask a cloud companion about exactly such text, and the
 * defence against prompt injection is that no prompt holds a secret and replies are returned as text.
 */
export function checkChatMessage(text: string, rules: ChatMessageRules): Result<string, ChatMessageProblem> {
  const checked = checkUserText(text, rules);
  if (!checked.ok) {
    const problem = checked.error;
    return err({ rule: problem.rule === 'too_large' ? 'message_too_large' : problem.rule, message: problem.message });
  }
  const cleaned = checked.value.trim();
  if (cleaned === '') {
    return err({ rule: 'message_blank', message: 'The message is empty once invisible characters and surrounding spaces are removed; send some text.' });
  }
  return ok(cleaned);
}
