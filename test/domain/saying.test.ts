import fc from 'fast-check';
import { normalizeText } from '../../src/domain/sayings/saying';
import { rememberRecent, selectFresh } from '../../src/domain/sayings/selection';
import { cycling, ids, randomValues, word } from './arbitraries';

const PUNCT = [...'.,;:!?"\'()[]{}-_/\\*&%$#@~`^+=<>|'];
const punct = fc.constantFrom(...PUNCT);
const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \u00a0 ');
const sentence = fc.array(fc.oneof(word, fc.stringMatching(/^[A-Za-z0-9éÉß]{1,8}$/)), { minLength: 1, maxLength: 8 });

/** Any text, except conjoining Hangul jamo (U+1100–U+11FF), see the known-bug test below. */
const anyText = fc
  .oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 40 }))
  .filter((s) => !/[\u1100-\u11ff]/.test(s));

describe('normalizeText', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(anyText, (s) => {
      const once = normalizeText(s);
      expect(normalizeText(once)).toBe(once);
    }));
  });

  it('ignores case (of ASCII text)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ 019.,!'), maxLength: 30 }), (s) => {
      expect(normalizeText(s.toUpperCase())).toBe(normalizeText(s.toLowerCase()));
    }));
  });

  it('ignores punctuation inserted anywhere', () => {
    fc.assert(
      fc.property(sentence, fc.array(fc.tuple(fc.nat(), punct)), (words, inserts) => {
        const plain = words.join(' ');
        const chars = [...plain];
        for (const [at, p] of inserts) chars.splice(at % (chars.length + 1), 0, p);
        expect(normalizeText(chars.join(''))).toBe(normalizeText(plain));
      }),
    );
  });

  it('ignores the amount and kind of whitespace between, before and after words', () => {
    fc.assert(
      fc.property(sentence, fc.array(space, { minLength: 10, maxLength: 10 }), (words, gaps) => {
        const spaced = (gaps[0] ?? ' ') + words.map((w, i) => w + (gaps[(i + 1) % gaps.length] ?? ' ')).join('');
        expect(normalizeText(spaced)).toBe(normalizeText(words.join(' ')));
      }),
    );
  });

  it('tells different words apart', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 2, maxLength: 2 }), ([a, b]) => {
        expect(normalizeText(a!)).not.toBe(normalizeText(b!));
      }),
    );
  });

  it('examples', () => {
    expect(normalizeText('  S3: Eleven nines!!  ')).toBe('s3 eleven nines');
    expect(normalizeText('Cafe\u0301')).toBe(normalizeText('Café'));
    expect(normalizeText('ﬁle')).toBe('file');
  });

  // Regression: removing punctuation can leave conjoining jamo adjacent, which NFKC composes on a
  // second pass, so normalizeText(normalizeText(s)) !== normalizeText(s).
  it('is idempotent for conjoining Hangul jamo separated by punctuation', () => {
    const once = normalizeText('\u1100!\u1161');
    expect(normalizeText(once)).toBe(once); // once is '\u1100\u1161', twice is '\uac00'
  });
});

const candidateSet = ids({ maxLength: 12 }).chain((all) =>
  fc.record({
    candidates: fc.constant(all.map((id) => ({ id }))),
    recent: fc.subarray(all).chain((r) => fc.constant(new Set([...r, 'elsewhere']))),
    rs: randomValues,
  }),
);

describe('selectFresh', () => {
  it('never returns a recent id while a fresh candidate exists, and always returns a candidate', () => {
    fc.assert(
      fc.property(candidateSet, ({ candidates, recent, rs }) => {
        const chosen = selectFresh(candidates, recent, cycling(rs));
        if (candidates.length === 0) {
          expect(chosen).toBeUndefined();
          return;
        }
        expect(chosen).toBeDefined();
        expect(candidates).toContain(chosen);
        if (candidates.some((c) => !recent.has(c.id))) expect(recent.has(chosen!.id)).toBe(false);
      }),
    );
  });

  it('finds the one fresh candidate even when random always lands on recent ones', () => {
    const candidates = Array.from({ length: 50 }, (_, i) => ({ id: `s${i}` }));
    const recent = new Set(candidates.slice(0, 49).map((c) => c.id));
    expect(selectFresh(candidates, recent, () => 0)).toEqual({ id: 's49' });
    expect(selectFresh(candidates, new Set(candidates.map((c) => c.id)), () => 0.99)).toBeDefined();
  });
});

describe('rememberRecent', () => {
  it('stays bounded, duplicate-free and has the newest id last', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')), fc.integer({ min: 1, max: 5 }), (pushes, limit) => {
        let recent: readonly string[] = [];
        for (const id of pushes) {
          recent = rememberRecent(recent, id, limit);
          expect(recent.length).toBeLessThanOrEqual(limit);
          expect(new Set(recent).size).toBe(recent.length);
          expect(recent[recent.length - 1]).toBe(id);
        }
        // It holds the last `limit` distinct ids pushed, in order of their last push.
        const lastDistinct = pushes.filter((id, i) => pushes.lastIndexOf(id) === i);
        expect(recent).toEqual(lastDistinct.slice(Math.max(0, lastDistinct.length - limit)));
      }),
    );
    expect(rememberRecent(['a', 'b'], 'c', 0)).toEqual([]);
  });
});
