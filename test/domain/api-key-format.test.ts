import fc from 'fast-check';
import { constantTimeEqual, adminTokenProblem } from '../../src/domain/keys/admin-token';
import { API_KEY_LENGTH, API_KEY_PREFIX, API_KEY_RANDOM_BYTES, displayOfKey, formatApiKey, inspectApiKey } from '../../src/domain/keys/api-key-format';
import { BASE62 } from '../../src/domain/keys/base62';
import { crc32Ascii } from '../../src/domain/keys/crc32';

const keyBytes = fc.uint8Array({ minLength: API_KEY_RANDOM_BYTES, maxLength: API_KEY_RANDOM_BYTES });
const aKey = keyBytes.map(formatApiKey);
/** Characters a typo or an attacker may put in: every base-62 digit, and a few that are not. */
const REPLACEMENTS = [...BASE62, '_', '-', '.', ' ', '/', '+', '=', 'é', 'ß', '∑', '\u0000'];

describe('API key format (ADR 0012)', () => {
  it('CRC-32 is the IEEE one (check value of "123456789")', () => {
    expect(crc32Ascii('123456789')).toBe(0xcbf43926);
  });

  it('round trip: every key drawn from 192 random bits has the format, passes its checksum, and tells its bytes apart', () => {
    fc.assert(
      fc.property(keyBytes, keyBytes, (a, b) => {
        const key = formatApiKey(a);
        expect(key).toHaveLength(API_KEY_LENGTH);
        expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
        expect(key.slice(API_KEY_PREFIX.length)).toMatch(/^[0-9A-Za-z]+$/);
        expect(inspectApiKey(key)).toBe('ok');
        expect(formatApiKey(a)).toBe(key);
        if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) expect(formatApiKey(b)).not.toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('is injective at the edges: all-zero and all-0xff bytes, and neighbours of them, give distinct valid keys', () => {
    const zero = new Uint8Array(API_KEY_RANDOM_BYTES);
    const ones = new Uint8Array(API_KEY_RANDOM_BYTES).fill(0xff);
    const one = zero.slice();
    one[API_KEY_RANDOM_BYTES - 1] = 1;
    const keys = [zero, ones, one].map(formatApiKey);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(inspectApiKey(key)).toBe('ok');
    expect(() => formatApiKey(new Uint8Array(15))).toThrow(RangeError);
  });

  it('the checksum catches every single-character change, anywhere in the key', () => {
    fc.assert(
      fc.property(aKey, (key) => {
        const accepted: string[] = [];
        for (let i = 0; i < key.length; i++) {
          for (const c of REPLACEMENTS) {
            if (c === key[i]) continue;
            const changed = key.slice(0, i) + c + key.slice(i + 1);
            if (inspectApiKey(changed) === 'ok') accepted.push(changed);
          }
        }
        expect(accepted).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('the checksum catches every swap of two neighbouring characters (the random part’s boundary with the checksum included)', () => {
    fc.assert(
      fc.property(aKey, (key) => {
        const accepted: number[] = [];
        for (let i = 0; i + 1 < key.length; i++) {
          if (key[i] === key[i + 1]) continue;
          if (inspectApiKey(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2)) === 'ok') accepted.push(i);
        }
        expect(accepted).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('why the boundary swap cannot pass: the checksum starts with 0–4 and the random part never ends with one', () => {
    // CRC-32 guarantees the rest; this is the structural half, which random swaps could not find failing.
    fc.assert(
      fc.property(aKey, (key) => {
        const boundary = key.length - 6;
        expect(key[boundary]).toMatch(/^[0-4]$/);
        expect(key[boundary - 1]).toMatch(/^[5-9A-Za-z]$/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('tells a wrong checksum from a malformed string, and never throws on anything', () => {
    fc.assert(
      fc.property(aKey, fc.integer({ min: 0, max: 61 }), (key, digit) => {
        const last = key.length - 1;
        const other = BASE62[(BASE62.indexOf(key[last] as string) + 1 + digit) % 62] as string;
        if (other !== key[last]) expect(inspectApiKey(key.slice(0, last) + other)).toBe('bad_checksum');
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(['malformed', 'bad_checksum']).toContain(inspectApiKey(text));
      }),
    );
    for (const text of ['', 'cs_', "cs_' OR 1=1 --", 'x'.repeat(10_240), `${API_KEY_PREFIX}${'0'.repeat(39)}`, 'Bearer cs_abc']) {
      expect(inspectApiKey(text)).not.toBe('ok');
    }
  });

  it('the display shows the prefix and the last four characters, and nothing more of the key', () => {
    fc.assert(
      fc.property(aKey, (key) => {
        const display = displayOfKey(key);
        expect(display).toBe(`${API_KEY_PREFIX}…${key.slice(-4)}`);
        const shown = display.slice(`${API_KEY_PREFIX}…`.length);
        expect(shown).toHaveLength(4);
        // No run of five key characters appears in it.
        for (let i = 0; i + 5 <= key.length; i++) expect(display.includes(key.slice(i, i + 5))).toBe(false);
      }),
    );
  });
});

describe('admin token rules', () => {
  it('compares like === without an early exit', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });

  it('refuses short, spaced, non-ASCII and key-shaped tokens, with a reason', () => {
    expect(adminTokenProblem('a'.repeat(40))).toBeUndefined();
    for (const bad of ['short', 'has a space in it 123456', 'ünïcode-token-ünïcode-token', `${API_KEY_PREFIX}${'a'.repeat(30)}`, 'x'.repeat(513)]) {
      expect(adminTokenProblem(bad)).toEqual(expect.any(String));
    }
  });
});
