/** Below this code point a character is ASCII or Latin with diacritics (Latin-1, Latin Extended-A and -B). */
const LATIN_END = 0x250;

/**
 * A tokenizer-free estimate (seed 002): about four characters a token for Latin text, about one token a
 * character for CJK and for every other script (Cyrillic, Greek, Arabic, Hebrew, Indic, Thai, emoji…), which
 * byte-level tokenizers split at least as finely. It is what a request is expected to use; `utf8Length` bounds
 * what it can use.
 */
export function estimateTokens(text: string): number {
  let dense = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Most text, one comparison a character.
    if (unit < LATIN_END) {
      latin++;
      continue;
    }
    // A surrogate pair is one character (one code point), however it is counted.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    dense++;
  }
  return dense + Math.ceil(latin / 4);
}

/**
 * The text's length in UTF-8 bytes (a lone surrogate as U+FFFD, three bytes, as encoders write it). A byte-level
 * BPE tokenizer — OpenAI's, Anthropic's, and so every model the gateway routes to — makes at most one token a
 * byte, so this bounds the tokens a text can cost whatever its script.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
