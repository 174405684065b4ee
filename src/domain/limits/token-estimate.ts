const CJK_RANGES: readonly (readonly [number, number])[] = [
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3400, 0x4dbf], // CJK Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xac00, 0xd7af], // Hangul syllables
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xff66, 0xff9f], // Half-width Katakana
  [0x20000, 0x2fa1f], // CJK Extensions B–F and supplement
];

function isCjk(codePoint: number): boolean {
  return CJK_RANGES.some(([lo, hi]) => codePoint >= lo && codePoint <= hi);
}

/**
 * A tokenizer-free estimate (seed 002): about four characters a token for Latin text, about one token
 * per character for CJK scripts, which tokenise far more densely.
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (isCjk(ch.codePointAt(0) ?? 0)) cjk++;
    else other++;
  }
  return cjk + Math.ceil(other / 4);
}
