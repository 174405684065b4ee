import type { TimeRange } from '../../../domain/shared/time-range';

export const DAY_MS = 86_400_000;

/**
 * Past this many days a time-range read stops querying one partition per day and shard and scans the table
 * instead (an export-sized read, e.g. "everything"); dashboard windows are far below it.
 */
export const MAX_QUERY_DAYS = 400;

/** A stable shard for an id (FNV-1a), so a writer needs no coordination and the same id always lands alike. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** `YYYY-MM-DD#shard`, the UTC day of `at`. */
export function timeBucket(at: number, shard: number): string {
  return `${new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10)}#${shard}`;
}

/** Every bucket a range touches, or undefined when it spans more than `MAX_QUERY_DAYS` (scan instead). */
export function bucketsInRange(range: TimeRange, shards: number): readonly string[] | undefined {
  if (range.from > range.to) return [];
  const first = Math.floor(range.from / DAY_MS);
  const last = Math.floor(range.to / DAY_MS);
  if (last - first + 1 > MAX_QUERY_DAYS) return undefined;
  const buckets: string[] = [];
  for (let day = first; day <= last; day++) {
    for (let shard = 0; shard < shards; shard++) buckets.push(timeBucket(day * DAY_MS, shard));
  }
  return buckets;
}

/** Epoch ms as 16 digits, so that string order is time order (safe integers have at most 16 digits). */
export function sortableAt(at: number): string {
  return String(Math.max(0, Math.trunc(at))).padStart(16, '0');
}
