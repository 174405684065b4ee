import { pickIndex, type RandomFn } from '../shared/random';
import { normalizeText } from '../sayings/saying';

export interface PoolPolicy {
  /** The most generated sayings an instance holds at once. */
  readonly maxSize: number;
  /** How many normalised texts are remembered to refuse duplicates (added or already served). */
  readonly memory: number;
}

/** Generated sayings waiting to be served, each at most once; plain immutable data. */
export interface SayingPool<T extends { readonly text: string }> {
  readonly entries: readonly T[];
  /** Normalised texts seen recently, oldest first. */
  readonly seen: readonly string[];
}

export const emptyPool = <T extends { readonly text: string }>(): SayingPool<T> => ({ entries: [], seen: [] });

export interface AddOutcome<T extends { readonly text: string }> {
  readonly pool: SayingPool<T>;
  readonly added: readonly T[];
  /** Refused because the same text (normalised) was already pooled, served or in this batch. */
  readonly duplicates: number;
  /** Refused because the pool was full. */
  readonly overflow: number;
}

export function addToPool<T extends { readonly text: string }>(
  pool: SayingPool<T>,
  candidates: readonly T[],
  policy: PoolPolicy,
  known: ReadonlySet<string> = new Set(),
): AddOutcome<T> {
  // Pooled texts are always refused, whatever the memory keeps of texts already served.
  const seen = new Set([...pool.seen, ...pool.entries.map((e) => normalizeText(e.text))]);
  const entries = [...pool.entries];
  const seenOrder = [...pool.seen];
  const added: T[] = [];
  let duplicates = 0;
  let overflow = 0;
  for (const candidate of candidates) {
    const norm = normalizeText(candidate.text);
    if (norm === '' || seen.has(norm) || known.has(norm)) {
      duplicates++;
      continue;
    }
    if (entries.length >= policy.maxSize) {
      overflow++;
      continue;
    }
    seen.add(norm);
    seenOrder.push(norm);
    entries.push(candidate);
    added.push(candidate);
  }
  const trimmed = seenOrder.length > policy.memory ? seenOrder.slice(seenOrder.length - policy.memory) : seenOrder;
  return { pool: { entries, seen: trimmed }, added, duplicates, overflow };
}

export interface TakeOutcome<T extends { readonly text: string }> {
  readonly taken: T | undefined;
  readonly pool: SayingPool<T>;
}

/** Removes and returns one entry at random: a generated saying is served once. */
export function takeFromPool<T extends { readonly text: string }>(pool: SayingPool<T>, random: RandomFn): TakeOutcome<T> {
  if (pool.entries.length === 0) return { taken: undefined, pool };
  const index = pickIndex(pool.entries.length, random);
  const entries = pool.entries.filter((_, i) => i !== index);
  return { taken: pool.entries[index], pool: { entries, seen: pool.seen } };
}

export function needsRefill(poolSize: number, threshold: number): boolean {
  return poolSize < threshold;
}
