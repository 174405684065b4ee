import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { checkUserText, cleanUserText, utf8Bytes } from '../../src/domain/text/user-text';
import { NodeHasher } from '../../src/adapters/system/node-hasher';

const rules = { maxBytes: 16_384, maxControlRatio: 0.05 };

describe('user text (seed 002 server-side checks)', () => {
  it('counts UTF-8 bytes exactly as Node encodes them', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Bytes(s) === Buffer.byteLength(s, 'utf8')));
    expect(utf8Bytes('クラウド')).toBe(12);
  });

  it('removes zero-width and bidi characters and normalises to NFC, idempotently', () => {
    expect(cleanUserText('La\u200bmb\u200dda\ufeff')).toBe('Lambda');
    expect(cleanUserText('\u30ab\u3099')).toBe('\u30ac');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => cleanUserText(cleanUserText(s)) === cleanUserText(s)));
  });

  it('names the rule each bad text breaks', () => {
    const rule = (t: string) => {
      const r = checkUserText(t, rules);
      return r.ok ? 'ok' : r.error.rule;
    };
    expect(rule('hello\u0000')).toBe('null_byte');
    expect(rule('bad \ud800 half')).toBe('lone_surrogate');
    expect(rule('a\u0001\u0002\u0003b')).toBe('too_many_control_characters');
    expect(rule('あ'.repeat(5462))).toBe('too_large');
    expect(rule('あ'.repeat(5461))).toBe('ok');
    expect(rule('line one\nline two\ttab\r\n')).toBe('ok');
  });

  it('measures the limit after cleaning, so hidden characters do not count', () => {
    const r = checkUserText('x'.repeat(16_384) + '\u200b'.repeat(100), rules);
    expect(r.ok && r.value.length).toBe(16_384);
  });

  it('agrees with the rules spelled out one by one, on plain ASCII (its fast path) and on everything else', () => {
    /** The checks in their documented order, written the slow and obvious way. */
    const reference = (text: string, r: typeof rules): string => {
      if (text.includes('\u0000')) return 'null_byte';
      if (/\p{Cs}/u.test(text)) return 'lone_surrogate';
      const cleaned = cleanUserText(text);
      const count = [...cleaned].filter((ch) => /\p{C}/u.test(ch) && !'\n\r\t'.includes(ch)).length;
      if (count > [...cleaned].length * r.maxControlRatio) return 'too_many_control_characters';
      if (Buffer.byteLength(cleaned, 'utf8') > r.maxBytes) return 'too_large';
      return `ok:${cleaned}`;
    };
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 }) },
      fc.constantFrom('\n', '\t', '\r', '\u0000', '\u0001', '\u007f', '\u200b', '\ufeff', '\u0301', 'é', 'クラウド', '😀', '\ud800', '\u30ab\u3099'),
    );
    const small = { maxBytes: 48, maxControlRatio: 0.05 };
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }).map((parts) => parts.join('')), (text) => {
        const r = checkUserText(text, small);
        expect(r.ok ? `ok:${r.value}` : r.error.rule).toBe(reference(text, small));
      }),
      { numRuns: 2_000 },
    );
    expect(checkUserText('x'.repeat(48), small)).toEqual({ ok: true, value: 'x'.repeat(48) });
    expect(checkUserText('x'.repeat(49), small)).toMatchObject({ ok: false, error: { rule: 'too_large', bytes: 49 } });
  });

  it('never throws and a passing text comes back clean', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const r = checkUserText(s, rules);
        if (r.ok) expect(r.value).toBe(cleanUserText(s));
      }),
    );
  });
});

describe('NodeHasher', () => {
  it('is SHA-256 over UTF-8, lower-case hex', () => {
    expect(new NodeHasher().sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new NodeHasher().sha256Hex('雲')).toBe(createHash('sha256').update(Buffer.from('雲', 'utf8')).digest('hex'));
  });
});
