import { err, ok, type Result } from '../shared/result';

/**
 * Text people send us (a chat message, a gateway prompt), checked and cleaned the way seed 002's
 * server-side validation does, before it reaches a prompt, a cache key or a token estimate.
 */
export interface UserTextRules {
  /** UTF-8 bytes after cleaning (seed 002: 16 KB per chat message). */
  readonly maxBytes: number;
  /** Control, format, surrogate and unassigned characters allowed, as a share of all characters (seed 002: 0.05). */
  readonly maxControlRatio: number;
}

export type UserTextProblem =
  | { readonly rule: 'null_byte'; readonly message: string }
  | { readonly rule: 'lone_surrogate'; readonly message: string }
  | { readonly rule: 'too_many_control_characters'; readonly message: string; readonly count: number }
  | { readonly rule: 'too_large'; readonly message: string; readonly bytes: number };

/** Zero-width and bidirectional-control characters that can hide content from a reader (seed 002's set). */
const HIDDEN = /[\u200b-\u200f\u2028-\u202f\u2060-\u2064\ufeff]/g;
/** Unicode "Other" (Cc Cf Cs Co Cn) except the whitespace people type. */
const CONTROL = /(?![\n\r\t])\p{C}/gu;
const LONE_SURROGATE = /\p{Cs}/u;
/** Printable ASCII and the whitespace people type: nothing to remove, already NFC, one byte a character. */
const PLAIN = /^[\x20-\x7e\n\r\t]*$/;

/** Removes hidden characters and normalises to NFC; keeps surrounding whitespace (it can matter in a prompt). */
export function cleanUserText(text: string): string {
  return text.replace(HIDDEN, '').normalize('NFC');
}

/** UTF-8 length without an encoder (the domain does no I/O): 1–4 bytes per code point. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Code points of well-formed UTF-16 (no lone surrogates): a pair counts once. */
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) pairs++;
  }
  return text.length - pairs;
}

const tooLarge = (bytes: number, rules: UserTextRules): Result<never, UserTextProblem> =>
  err({ rule: 'too_large', bytes, message: `The text is ${bytes} bytes of UTF-8; the limit is ${rules.maxBytes}.` });

/** The cleaned text, or the first rule it breaks, with a message that says what to fix. */
export function checkUserText(text: string, rules: UserTextRules): Result<string, UserTextProblem> {
  // Most prompts: every rule but the size holds by construction, and the text is its own cleaned form.
  if (PLAIN.test(text)) return text.length > rules.maxBytes ? tooLarge(text.length, rules) : ok(text);
  if (text.includes('\u0000')) return err({ rule: 'null_byte', message: 'The text contains a null byte (U+0000); remove it.' });
  if (LONE_SURROGATE.test(text)) {
    return err({ rule: 'lone_surrogate', message: 'The text contains an unpaired UTF-16 surrogate; send valid Unicode.' });
  }
  const cleaned = cleanUserText(text);
  const length = codePoints(cleaned);
  const count = cleaned.match(CONTROL)?.length ?? 0;
  if (count > length * rules.maxControlRatio) {
    return err({
      rule: 'too_many_control_characters',
      count,
      message: `The text has ${count} control characters; at most ${Math.round(rules.maxControlRatio * 100)} % of it may be control characters.`,
    });
  }
  const bytes = utf8Bytes(cleaned);
  return bytes > rules.maxBytes ? tooLarge(bytes, rules) : ok(cleaned);
}
