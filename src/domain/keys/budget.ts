import type { NanoUsd } from '../cost/money';

/*
 * Budget reservations (ADR 0012, FAULTS #25 and #16). A key's `committed` money is its settled spend plus every
 * reservation still held. A reservation is granted only if committed + amount ≤ budget, in one atomic step of
 * the store, so racing requests can never hold more than the budget. Settling removes the reservation and
 * replaces its amount by the actual cost; a second settlement of the same reservation finds nothing to remove
 * and changes nothing. A reservation older than its TTL is reclaimed: its settlement never came — the process
 * died, most likely after the upstream call, or the settlement's write failed — so its amount is presumed spent
 * and moves from held to spent (committed is unchanged: no money is lent again that may be gone). It stays known
 * as "stale" for a while, so a late settlement replaces the presumed amount by the actual cost, once.
 */

export interface HeldReservation {
  readonly amountNano: NanoUsd;
  /** Epoch ms after which it may be reclaimed. */
  readonly expiresAt: number;
  /** Set when reclaimed: its amount is no longer counted in committed. */
  readonly staleSince: number | undefined;
}

export type ReserveDecision = { readonly ok: true } | { readonly ok: false; readonly remainingNano: NanoUsd };

/** Whether `amount` fits: committed + amount ≤ budget. */
export function decideReservation(budgetNano: NanoUsd, committedNano: NanoUsd, amountNano: NanoUsd): ReserveDecision {
  return committedNano + amountNano <= budgetNano ? { ok: true } : { ok: false, remainingNano: Math.max(0, budgetNano - committedNano) };
}

/** How a settlement changes committed money and spend, given the reservation as the store holds it. */
export type Settlement =
  /** No reservation (an unbudgeted key, or a request that reserved nothing): the cost is added. */
  | { readonly kind: 'unreserved'; readonly committedDeltaNano: NanoUsd; readonly spentDeltaNano: NanoUsd }
  /** The held amount is released and the cost added. */
  | { readonly kind: 'held'; readonly committedDeltaNano: NanoUsd; readonly spentDeltaNano: NanoUsd }
  /** Reclaimed earlier, its amount charged as presumed spend: the actual cost replaces it (either way). */
  | { readonly kind: 'stale'; readonly committedDeltaNano: NanoUsd; readonly spentDeltaNano: NanoUsd }
  /** Already settled (or reclaimed and forgotten long ago): nothing changes. */
  | { readonly kind: 'already-settled' };

export function settlementOf(held: HeldReservation | undefined, reserved: boolean, costNano: NanoUsd): Settlement {
  if (!reserved) return unreservedSettlement(costNano);
  if (held === undefined) return { kind: 'already-settled' };
  if (held.staleSince !== undefined) return { kind: 'stale', committedDeltaNano: costNano - held.amountNano, spentDeltaNano: costNano - held.amountNano };
  return heldSettlement(held.amountNano, costNano);
}

export const unreservedSettlement = (costNano: NanoUsd): Settlement & { kind: 'unreserved' } => ({ kind: 'unreserved', committedDeltaNano: costNano, spentDeltaNano: costNano });

/** Settling a live reservation of `amountNano`: the store applies it only if the reservation is still held as such. */
export const heldSettlement = (amountNano: NanoUsd, costNano: NanoUsd): Settlement & { kind: 'held' } => ({ kind: 'held', committedDeltaNano: costNano - amountNano, spentDeltaNano: costNano });

/** What reclaiming `ids` charges as presumed spend: their amounts, which leave held and join spent. */
export function reclaimedNano(held: ReadonlyMap<string, HeldReservation>, ids: readonly string[]): NanoUsd {
  let sum = 0;
  for (const id of ids) sum += held.get(id)?.amountNano ?? 0;
  return sum;
}

/** Live reservations past their TTL, to reclaim. */
export function expiredReservations(held: ReadonlyMap<string, HeldReservation>, now: number): readonly string[] {
  return [...held].filter(([, r]) => r.staleSince === undefined && r.expiresAt <= now).map(([id]) => id);
}

/** Reclaimed reservations kept long enough that any late settlement has arrived; forgetting them is safe. */
export function forgettableReservations(held: ReadonlyMap<string, HeldReservation>, now: number, retentionMs: number): readonly string[] {
  return [...held].filter(([, r]) => r.staleSince !== undefined && r.staleSince + retentionMs <= now).map(([id]) => id);
}

/** The sum held by live (not reclaimed) reservations. */
export function heldNano(held: Iterable<HeldReservation>): NanoUsd {
  let sum = 0;
  for (const r of held) if (r.staleSince === undefined) sum += r.amountNano;
  return sum;
}
