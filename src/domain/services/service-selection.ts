import { type RandomFn } from '../shared/random';

/** What an instance remembers about the services it has asked models about. */
export interface ServiceTracking {
  /** How many times each service was picked. */
  readonly counts: ReadonlyMap<string, number>;
  /** The most recent picks, oldest first, at most `recentLimit` long. */
  readonly recent: readonly string[];
}

export const emptyTracking: ServiceTracking = { counts: new Map(), recent: [] };

export interface ServicePick {
  readonly picked: readonly string[];
  readonly tracking: ServiceTracking;
}

/**
 * Picks `count` distinct services: never one picked recently while a fresh one exists, and among the
 * fresh ones the least used first, ties broken at random — which spreads sayings across services.
 */
export function pickServices(
  serviceIds: readonly string[],
  tracking: ServiceTracking,
  count: number,
  recentLimit: number,
  random: RandomFn,
): ServicePick {
  const unique = [...new Set(serviceIds)];
  const recentSet = new Set(tracking.recent);
  const usage = (id: string): number => tracking.counts.get(id) ?? 0;
  const fresh = unique
    .filter((id) => !recentSet.has(id))
    .map((id) => ({ id, used: usage(id), tie: random() }))
    .sort((a, b) => a.used - b.used || a.tie - b.tie)
    .map((c) => c.id);
  // Only when fresh services run out: the least recently picked come back first.
  const stale = tracking.recent.filter((id) => unique.includes(id));
  const picked = [...fresh, ...stale].slice(0, Math.min(count, unique.length));

  const counts = new Map(tracking.counts);
  for (const id of picked) counts.set(id, usage(id) + 1);
  const recent = recentLimit <= 0 ? [] : [...tracking.recent.filter((id) => !picked.includes(id)), ...picked].slice(-recentLimit);
  return { picked, tracking: { counts, recent } };
}
