import { nanoToUsd, type NanoUsd } from '../../domain/cost/money';
import { remainingNano, statusAt, type ApiKeyRecord, type KeyStatus } from '../../domain/keys/api-key';

/**
 * A key as both doors show it (admin API bodies, `npm run keys -- … --json`). Never the key or its hash: only
 * `display` (prefix and last four characters). Times are ISO-8601; money in exact nano-dollars beside dollars.
 */
export interface KeyView {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  readonly display: string;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly rotatedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Catalog keys; null: every model. */
  readonly models: readonly string[] | null;
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly budget: BudgetView | null;
  readonly usage: { readonly requests: number; readonly tokens: number; readonly costNano: NanoUsd; readonly costUsd: number };
  /** The value a rotation replaced, while it still works (or worked). */
  readonly previousKey: { readonly display: string; readonly validUntil: string; readonly active: boolean } | null;
}

export interface BudgetView {
  readonly limitNano: NanoUsd;
  readonly limitUsd: number;
  readonly spentNano: NanoUsd;
  readonly reservedNano: NanoUsd;
  readonly remainingNano: NanoUsd;
  readonly remainingUsd: number;
}

/** The answer to create and rotate: the only time the key itself is shown. */
export interface IssuedKeyView extends KeyView {
  readonly key: string;
}

/**
 * The answer to create: the new key, shown this once; or, for a retry with the same `Idempotency-Key`, the key
 * the first request made — without its value, which is never stored and so cannot be shown again.
 */
export type CreatedKeyView = NewKeyView | (KeyView & { readonly replayed: true });

/** A page of an owner's keys, newest first; `nextAfter` asks for the next page (`after`), null on the last. */
export interface KeyListView {
  readonly keys: readonly KeyView[];
  readonly hasMore: boolean;
  readonly nextAfter: string | null;
}

/** A key this request created. */
export type NewKeyView = IssuedKeyView & { readonly replayed: false };

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function toKeyView(record: ApiKeyRecord, now: number): KeyView {
  const remaining = remainingNano(record);
  const status = statusAt(record, now);
  return {
    id: record.id,
    name: record.name,
    owner: record.ownerId,
    display: record.display,
    status,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    rotatedAt: iso(record.rotatedAt),
    lastUsedAt: iso(record.lastUsedAt),
    models: record.allowedModels === undefined ? null : [...record.allowedModels],
    rpm: record.rpm ?? null,
    tpm: record.tpm ?? null,
    budget:
      record.budgetNano === undefined || remaining === undefined
        ? null
        : {
            limitNano: record.budgetNano,
            limitUsd: nanoToUsd(record.budgetNano),
            spentNano: record.usage.costNano,
            reservedNano: record.reservedNano,
            remainingNano: remaining,
            remainingUsd: nanoToUsd(remaining),
          },
    usage: { ...record.usage, costUsd: nanoToUsd(record.usage.costNano) },
    previousKey:
      record.previous === undefined
        ? null
        : { display: record.previous.display, validUntil: new Date(record.previous.validUntil).toISOString(), active: now < record.previous.validUntil && status === 'active' },
  };
}
