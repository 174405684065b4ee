/*
 * CRC-32 (IEEE 802.3, the polynomial of zip and PNG), as GitHub's tokens use for their checksum. It detects
 * every error burst of up to 32 bits, so every single changed character and every swap of two neighbours in a
 * key's random part changes it (ADR 0012).
 */

const TABLE: readonly number[] = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of an ASCII string (callers check the characters first; others are taken modulo 256). */
export function crc32Ascii(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
