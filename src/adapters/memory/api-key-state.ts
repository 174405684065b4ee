import type { ApiKeyRecord, KeySecret } from '../../domain/keys/api-key';
import type { HeldReservation } from '../../domain/keys/budget';

/** A key as the in-memory store keeps it: the record (its `reservedNano` is derived) and the hash of its current secret. */
export interface StoredApiKey {
  readonly record: ApiKeyRecord;
  readonly currentHash: string;
}

/** A change in the form the journal stores it: whole entities, so replaying is an idempotent upsert. */
export type ApiKeyChange = { readonly t: 'api-key'; readonly key: StoredApiKey } | { readonly t: 'api-key-secret'; readonly secret: KeySecret };

/** Where changes go to outlive the process; `durable` writes resolve once on disk. */
export interface ApiKeyJournal {
  write(changes: readonly ApiKeyChange[], durable: boolean): Promise<void>;
}

export const noApiKeyJournal: ApiKeyJournal = { write: () => Promise.resolve() };

/**
 * The keys of the local profile, shared by the repo and its journal. Reservations live only here, never on
 * disk: the one process that owns the data folder is the only one that can hold them, so when it stops they
 * are all released (ADR 0012).
 */
export class ApiKeyState {
  readonly keys = new Map<string, StoredApiKey>();
  /** By secret hash. */
  readonly secrets = new Map<string, KeySecret>();
  /** By key id, then reservation id. */
  readonly reservations = new Map<string, Map<string, HeldReservation>>();

  constructor(readonly journal: ApiKeyJournal = noApiKeyJournal) {}

  apply(change: ApiKeyChange): void {
    if (change.t === 'api-key') this.keys.set(change.key.record.id, change.key);
    else this.secrets.set(change.secret.hash, change.secret);
  }

  heldFor(keyId: string): Map<string, HeldReservation> {
    let held = this.reservations.get(keyId);
    if (!held) {
      held = new Map();
      this.reservations.set(keyId, held);
    }
    return held;
  }
}

export function isApiKeyChange(record: unknown): record is ApiKeyChange {
  const r = record as { t?: unknown; key?: { record?: { id?: unknown }; currentHash?: unknown }; secret?: { hash?: unknown; keyId?: unknown } } | null;
  if (r?.t === 'api-key') return typeof r.key?.record?.id === 'string' && typeof r.key.currentHash === 'string';
  if (r?.t === 'api-key-secret') return typeof r.secret?.hash === 'string' && typeof r.secret.keyId === 'string';
  return false;
}
