import { pickIndex, type RandomFn } from '../shared/random';

const SAMPLE_TRIES = 8;

/**
 * Picks a candidate at random, never one whose id is in `recentIds` while another exists. Rejection
 * sampling keeps the common case O(1); a scan settles the rare case where most candidates are recent.
 */
export function selectFresh<T extends { readonly id: string }>(
  candidates: readonly T[],
  recentIds: ReadonlySet<string>,
  random: RandomFn,
): T | undefined {
  if (candidates.length === 0) return undefined;
  for (let i = 0; i < SAMPLE_TRIES; i++) {
    const candidate = candidates[pickIndex(candidates.length, random)];
    if (candidate && !recentIds.has(candidate.id)) return candidate;
  }
  const fresh = candidates.filter((c) => !recentIds.has(c.id));
  const pool = fresh.length > 0 ? fresh : candidates;
  return pool[pickIndex(pool.length, random)];
}

/** Appends an id to a bounded recent list, oldest dropped first. */
export function rememberRecent(recent: readonly string[], id: string, limit: number): readonly string[] {
  const next = [...recent.filter((r) => r !== id), id];
  return next.length > limit ? next.slice(next.length - limit) : next;
}
