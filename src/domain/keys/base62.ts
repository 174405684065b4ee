/** Digits, then upper case, then lower case: a key's characters sort the way their values do. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const VALUE = new Map<string, number>([...BASE62].map((c, i) => [c, i]));

/** `value` as exactly `width` base-62 digits, most significant first; throws if it does not fit. */
export function encodeBase62(value: bigint, width: number): string {
  if (value < 0n) throw new RangeError('base62: negative value');
  let rest = value;
  const digits: string[] = [];
  for (let i = 0; i < width; i++) {
    digits.push(BASE62[Number(rest % 62n)] as string);
    rest /= 62n;
  }
  if (rest !== 0n) throw new RangeError(`base62: value does not fit in ${width} digits`);
  return digits.reverse().join('');
}

/** The value of a base-62 string, or undefined if any character is not a base-62 digit. */
export function decodeBase62(text: string): bigint | undefined {
  let value = 0n;
  for (const c of text) {
    const digit = VALUE.get(c);
    if (digit === undefined) return undefined;
    value = value * 62n + BigInt(digit);
  }
  return value;
}

export function isBase62(text: string): boolean {
  return /^[0-9A-Za-z]*$/.test(text);
}

/** Big-endian unsigned integer of the bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}
