const CJK_RANGES: readonly (readonly [number, number])[] = [
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3400, 0x4dbf], // CJK Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xac00, 0xd7af], // Hangul syllables
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xff66, 0xff9f], // Half-width Katakana
  [0x20000, 0x2fa1f], // CJK Extensions B–F and supplement
];

const FIRST_CJK = 0x3040;

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
  for (let i = 0; i < text.length; i++) {
    let codePoint = text.charCodeAt(i);
    // Below every CJK range: most text, one comparison a character.
    if (codePoint < FIRST_CJK) {
      other++;
      continue;
    }
    if (codePoint >= 0xd800 && codePoint <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = (codePoint - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (isCjk(codePoint)) cjk++;
    else other++;
  }
  return cjk + Math.ceil(other / 4);
}
