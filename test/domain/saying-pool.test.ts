import fc from 'fast-check';
import { addToPool, emptyPool, needsRefill, takeFromPool, type PoolPolicy, type SayingPool } from '../../src/domain/cache/saying-pool';
import { normalizeText } from '../../src/domain/sayings/saying';
import { cycling, randomValues, word } from './arbitraries';

interface Entry {
  readonly id: number;
  readonly text: string;
}

/** Texts that often collide once normalised: a few words, random case and punctuation. */
const text = fc
  .tuple(fc.array(fc.constantFrom('alpha', 'beta', 'gamma', 'delta'), { minLength: 0, maxLength: 2 }), fc.constantFrom('', '!', '.', '  ', '?!'), fc.boolean())
  .map(([ws, punct, upper]) => {
    const t = ws.join(' ') + punct;
    return upper ? t.toUpperCase() : t;
  });
const batch = fc.array(fc.oneof(text, word), { maxLength: 12 });
const batches = fc.array(batch, { minLength: 1, maxLength: 6 });

/** Policies that hold every pooled text in memory (memory ≥ maxSize), as production does by default. */
const policy = fc.integer({ min: 0, max: 15 }).chain((maxSize) =>
  fc.record({ maxSize: fc.constant(maxSize), memory: fc.integer({ min: maxSize, max: maxSize + 30 }) }),
);

let nextId = 0;
const entries = (texts: readonly string[]): Entry[] => texts.map((t) => ({ id: nextId++, text: t }));

function fill(p: PoolPolicy, bs: readonly (readonly string[])[]): SayingPool<Entry> {
  let pool = emptyPool<Entry>();
  for (const b of bs) pool = addToPool(pool, entries(b), p).pool;
  return pool;
}

describe('addToPool', () => {
  it('never exceeds maxSize and accounts for every candidate (added + duplicates + overflow)', () => {
    fc.assert(
      fc.property(policy, batches, (p, bs) => {
        let pool = emptyPool<Entry>();
        for (const b of bs) {
          const candidates = entries(b);
          const out = addToPool(pool, candidates, p);
          expect(out.pool.entries.length).toBeLessThanOrEqual(p.maxSize);
          expect(out.added.length + out.duplicates + out.overflow).toBe(candidates.length);
          expect(out.pool.entries).toEqual([...pool.entries, ...out.added]);
          pool = out.pool;
        }
      }),
    );
  });

  it('never holds two entries with equal normalised text, nor an empty one', () => {
    fc.assert(
      fc.property(policy, batches, (p, bs) => {
        const norms = fill(p, bs).entries.map((e) => normalizeText(e.text));
        expect(new Set(norms).size).toBe(norms.length);
        expect(norms).not.toContain('');
      }),
    );
  });

  it('refuses texts in `known` and texts already served', () => {
    fc.assert(
      fc.property(policy, batch, batch, randomValues, (p, first, second, rs) => {
        const known = new Set(first.map(normalizeText));
        const out = addToPool(emptyPool<Entry>(), entries(second), p, known);
        for (const e of out.added) expect(known.has(normalizeText(e.text))).toBe(false);
        // Serve one, then offer it again: refused.
        const taken = takeFromPool(out.pool, cycling(rs));
        if (taken.taken) {
          const again = addToPool(taken.pool, [{ id: -1, text: taken.taken.text }], p);
          expect(again.added).toEqual([]);
          expect(again.duplicates).toBe(1);
        }
      }),
    );
  });

  it('keeps the seen memory bounded by policy.memory, newest last', () => {
    fc.assert(
      fc.property(fc.record({ maxSize: fc.nat(15), memory: fc.nat(10) }), batches, (p, bs) => {
        let pool = emptyPool<Entry>();
        for (const b of bs) {
          const out = addToPool(pool, entries(b), p);
          expect(out.pool.seen.length).toBeLessThanOrEqual(p.memory);
          const addedNorms = out.added.map((e) => normalizeText(e.text));
          const tail = addedNorms.slice(addedNorms.length - Math.min(p.memory, addedNorms.length));
          if (tail.length > 0) expect(out.pool.seen.slice(-tail.length)).toEqual(tail);
          pool = out.pool;
        }
      }),
    );
  });
});

describe('takeFromPool', () => {
  it('removes exactly the taken entry', () => {
    fc.assert(
      fc.property(policy, batches, randomValues, (p, bs, rs) => {
        const pool = fill(p, bs);
        const out = takeFromPool(pool, cycling(rs));
        if (pool.entries.length === 0) {
          expect(out.taken).toBeUndefined();
          return;
        }
        expect(out.taken).toBeDefined();
        const i = pool.entries.indexOf(out.taken as Entry);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(out.pool.entries).toEqual(pool.entries.filter((_, j) => j !== i));
        expect(out.pool.seen).toEqual(pool.seen);
      }),
    );
  });

  it('serves each entry once: draining yields every added entry exactly once', () => {
    fc.assert(
      fc.property(policy, batches, randomValues, (p, bs, rs) => {
        const random = cycling(rs);
        let pool = emptyPool<Entry>();
        const added: Entry[] = [];
        const served: Entry[] = [];
        for (const b of bs) {
          const out = addToPool(pool, entries(b), p);
          added.push(...out.added);
          // Interleave: serve one after each batch.
          const t = takeFromPool(out.pool, random);
          if (t.taken) served.push(t.taken);
          pool = t.pool;
        }
        for (let t = takeFromPool(pool, random); t.taken; t = takeFromPool(t.pool, random)) {
          served.push(t.taken);
          pool = t.pool;
        }
        expect(pool.entries).toEqual([]);
        expect([...served].sort((a, b) => a.id - b.id)).toEqual([...added].sort((a, b) => a.id - b.id));
      }),
    );
  });
});

describe('needsRefill', () => {
  it('is true exactly when the pool is below the threshold', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (size, threshold) => {
        expect(needsRefill(size, threshold)).toBe(size < threshold);
      }),
    );
    expect(needsRefill(9, 10)).toBe(true);
    expect(needsRefill(10, 10)).toBe(false);
  });
});

describe('examples', () => {
  it('counts duplicates within a batch and overflow past maxSize', () => {
    const out = addToPool(emptyPool<Entry>(), entries(['Hello, world', 'hello world!', 'Second one', 'Third one', '...']), { maxSize: 2, memory: 10 });
    expect(out.added.map((e) => e.text)).toEqual(['Hello, world', 'Second one']);
    expect(out.duplicates).toBe(2);
    expect(out.overflow).toBe(1);
  });

  // Regression: once a pooled text's norm is trimmed from `seen` (memory < pooled entries), the same
  // text is accepted again, so the pool holds two equal sayings. Production uses memory 5 000 with
  // POOL_MAX_SIZE allowed up to 10 000.
  it('never holds duplicates even when memory < maxSize', () => {
    const p = { maxSize: 10, memory: 1 };
    let pool = addToPool(emptyPool<Entry>(), entries(['alpha one', 'beta two']), p).pool;
    pool = addToPool(pool, entries(['Alpha one!']), p).pool;
    const norms = pool.entries.map((e) => normalizeText(e.text));
    expect(new Set(norms).size).toBe(norms.length);
  });
});
