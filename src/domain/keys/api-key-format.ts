import { BASE62, bytesToBigInt, decodeBase62, encodeBase62, isBase62 } from './base62';
import { crc32Ascii } from './crc32';

/*
 * A gateway API key (ADR 0012): `cs_` + 33 characters carrying 192 random bits + a 6-character CRC-32 checksum,
 * 42 characters in all, e.g. `cs_0Wq…A7kZ` + `2xQ9aB`. Like GitHub's tokens, the checksum lets us refuse a
 * mistyped or made-up key without a lookup, and lets secret scanners recognise ours.
 *
 * The checksum's first character is always 0–4 (a CRC-32 is < 5 × 62⁵), and the random part's last character
 * never is. So swapping the two characters at that boundary always breaks the format, and together with
 * CRC-32's burst detection every single-character change and every swap of neighbours is caught.
 */

export const API_KEY_PREFIX = 'cs_';
/** Random bytes a key carries (192 bits; at least 128 are required). */
export const API_KEY_RANDOM_BYTES = 24;
const BODY_DIGITS = 32;
const BODY_LENGTH = BODY_DIGITS + 1;
const CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
/** The random part's last character: base 62 without 0–4, which start every checksum. */
const LAST_ALPHABET = BASE62.slice(5);
const LAST_RADIX = BigInt(LAST_ALPHABET.length);

export type KeyInspection = 'ok' | 'malformed' | 'bad_checksum';

/** The key these random bytes make. Deterministic: the caller draws the bytes (from a CSPRNG). */
export function formatApiKey(randomBytes: Uint8Array): string {
  if (randomBytes.length !== API_KEY_RANDOM_BYTES) throw new RangeError(`an API key needs ${API_KEY_RANDOM_BYTES} random bytes`);
  const value = bytesToBigInt(randomBytes);
  // Mixed radix: one digit in base 57, then 32 in base 62. 57 × 62³² > 2¹⁹², so no two byte strings share a key.
  const last = LAST_ALPHABET[Number(value % LAST_RADIX)] as string;
  const body = encodeBase62(value / LAST_RADIX, BODY_DIGITS) + last;
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/**
 * Whether a presented string is one of our keys, by its shape and checksum alone: no storage, no secret, so its
 * timing can only depend on the string the caller sent. The length is checked first, so a 10 KB header costs
 * nothing.
 */
export function inspectApiKey(presented: string): KeyInspection {
  if (presented.length !== API_KEY_LENGTH || !presented.startsWith(API_KEY_PREFIX)) return 'malformed';
  const body = presented.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  const checksum = presented.slice(API_KEY_PREFIX.length + BODY_LENGTH);
  if (!isBase62(body) || !LAST_ALPHABET.includes(body.slice(-1))) return 'malformed';
  const stated = decodeBase62(checksum);
  if (stated === undefined || stated > 0xffffffffn) return 'malformed';
  return stated === BigInt(crc32Ascii(`${API_KEY_PREFIX}${body}`)) ? 'ok' : 'bad_checksum';
}

/** What may be shown of a key after it was created: the prefix and the last four characters. */
export function displayOfKey(key: string): string {
  return `${API_KEY_PREFIX}…${key.slice(-4)}`;
}

function checksumOf(body: string): string {
  return encodeBase62(BigInt(crc32Ascii(`${API_KEY_PREFIX}${body}`)), CHECKSUM_LENGTH);
}
