import type { NanoUsd } from '../../domain/cost/money';

/**
 * The seam between API-key management and the gateway's request path: the gateway only ever sees an
 * authenticated caller, never a key record, a hash or the presented key.
 */
export interface GatewayCaller {
  readonly keyId: string;
  readonly name: string;
  /** Catalog keys (e.g. `haiku`, `gpt-4.1`) this key may call; undefined = every catalog model. */
  readonly allowedModels: readonly string[] | undefined;
  /** Requests per minute; undefined = the gateway's configured default. */
  readonly rpm: number | undefined;
  /** Tokens per minute (input estimate + max output); undefined = the gateway's configured default. */
  readonly tpm: number | undefined;
  /** Lifetime budget; undefined = unlimited. */
  readonly budgetNano: NanoUsd | undefined;
  /** Settled spend recorded on the key so far. */
  readonly spentNano: NanoUsd;
}

export interface KeyUse {
  readonly tokens: number;
  readonly costNano: NanoUsd;
  /** Epoch ms. */
  readonly at: number;
}

/** Money held against a key's budget while its request runs; released (and replaced by the actual cost) by `recordUse`. */
export interface BudgetReservation {
  readonly keyId: string;
  /** Unique per reservation, so settling twice (a retry after a crash) releases it once. */
  readonly id: string;
  readonly amountNano: NanoUsd;
}

export type ReserveOutcome =
  | { readonly ok: true; readonly reservation: BudgetReservation | undefined }
  | { readonly ok: false; readonly code: 'budget_exceeded'; readonly remainingNano: NanoUsd };

export interface GatewayKeys {
  /**
   * The caller behind a presented key, or undefined for every kind of bad key (malformed, bad checksum,
   * unknown, revoked, expired) — callers cannot tell them apart. Never throws for a bad key; the checksum is
   * checked before any storage lookup.
   */
  authenticate(presentedKey: string): Promise<GatewayCaller | undefined>;
  /**
   * Holds `estimateNano` against the caller's budget before the upstream call. Atomic across processes:
   * settled spend plus open reservations never exceed the budget, however many requests race. A key without
   * a budget always gets `{ ok: true, reservation: undefined }` and no storage call.
   */
  reserveBudget(caller: GatewayCaller, estimateNano: NanoUsd): Promise<ReserveOutcome>;
  /**
   * Adds settled usage to the key's totals, moves its last-used time and releases the reservation (if any),
   * in one step. Settling the same reservation twice counts once.
   */
  recordUse(keyId: string, use: KeyUse, reservation?: BudgetReservation): Promise<void>;
}
