/**
 * Which of a provider's prioritised regions a call should try, from what earlier calls saw. A region that
 * failed (throttled, down, unreachable) cools down for 60 s, doubling with each further failure in a row
 * up to 10 minutes; a success makes it healthy again. `now` is epoch milliseconds from the caller's clock.
 */
export interface RegionHealth {
  /** Failures since the region last answered. */
  readonly consecutiveFailures: number;
  /** Epoch ms until which the region is skipped. Meaningless while `consecutiveFailures` is 0. */
  readonly cooldownUntil: number;
}

/** Health by region; a region with no entry has never failed. */
export type RegionHealthMap = ReadonlyMap<string, RegionHealth>;

export type RegionStatus =
  | { readonly region: string; readonly state: 'healthy'; readonly consecutiveFailures: number }
  | { readonly region: string; readonly state: 'cooling'; readonly consecutiveFailures: number; readonly until: number };

export const BASE_COOLDOWN_MS = 60_000;
export const MAX_COOLDOWN_MS = 600_000;

export const NO_REGION_HEALTH: RegionHealthMap = new Map();

/** The cooldown that follows a failure when `previousFailures` came before it: 60, 120, 240, 480, then 600 s. */
export function cooldownMs(previousFailures: number): number {
  if (!Number.isFinite(previousFailures)) return MAX_COOLDOWN_MS;
  return Math.min(MAX_COOLDOWN_MS, BASE_COOLDOWN_MS * 2 ** Math.max(0, Math.floor(previousFailures)));
}

/**
 * Milliseconds of cooldown left at `now`, 0 when the region may be tried. A region cools only while the clock
 * reads between its failure and the cooldown's end: a clock that stepped back before the failure cannot be
 * trusted, and it costs at worst one early retry, where trusting it could park a region for hours.
 */
export function cooldownLeft(health: RegionHealth | undefined, now: number): number {
  if (!health || health.consecutiveFailures <= 0) return 0;
  const left = health.cooldownUntil - now;
  if (!(left > 0) || left > cooldownMs(health.consecutiveFailures - 1)) return 0;
  return left;
}

/**
 * The regions to try, in priority order: every region whose cooldown is over, and none that is cooling.
 * When all of them are cooling the call still gets one region, the one whose cooldown ends first: refusing
 * it outright would turn a partial outage into a total one, and that region is the likeliest to be back.
 */
export function regionOrder(regions: readonly string[], health: RegionHealthMap, now: number): readonly string[] {
  const unique = [...new Set(regions)];
  const ready = unique.filter((region) => cooldownLeft(health.get(region), now) === 0);
  if (ready.length > 0) return ready;
  let soonest: string | undefined;
  for (const region of unique) {
    if (soonest === undefined || cooldownLeft(health.get(region), now) < cooldownLeft(health.get(soonest), now)) soonest = region;
  }
  return soonest === undefined ? [] : [soonest];
}

/**
 * A failure seen in `region` at `now`. Calls that were already in flight when the region started cooling
 * fail too; they are the same outage, so a failure during a cooldown neither lengthens nor escalates it
 * (ten concurrent throttles must not park the primary region for ten minutes).
 */
export function recordFailure(health: RegionHealthMap, region: string, now: number): RegionHealthMap {
  const current = health.get(region);
  if (cooldownLeft(current, now) > 0) return health;
  const previous = current?.consecutiveFailures ?? 0;
  const next: RegionHealth = { consecutiveFailures: previous + 1, cooldownUntil: now + cooldownMs(previous) };
  return new Map(health).set(region, next);
}

/** A success in `region`: it is healthy again and its next failure starts over at the shortest cooldown. */
export function recordSuccess(health: RegionHealthMap, region: string): RegionHealthMap {
  if (!health.has(region)) return health;
  const next = new Map(health);
  next.delete(region);
  return next;
}

/** Each region's state at `now`, in priority order, for a health report. */
export function regionStatuses(regions: readonly string[], health: RegionHealthMap, now: number): readonly RegionStatus[] {
  return [...new Set(regions)].map((region) => {
    const entry = health.get(region);
    const consecutiveFailures = entry?.consecutiveFailures ?? 0;
    const left = cooldownLeft(entry, now);
    return left > 0
      ? { region, state: 'cooling', consecutiveFailures, until: now + left }
      : { region, state: 'healthy', consecutiveFailures };
  });
}
