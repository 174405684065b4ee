import type { KeySpecInput, Problem } from '../../domain/keys/key-spec';
import type { Result } from '../../domain/shared/result';
import type { CreatedKeyView, IssuedKeyView, KeyListView, KeyView, NewKeyView } from './key-view';

/** Who is managing keys: every key belongs to one owner, and nobody sees another owner's keys (FAULTS #24). */
export interface AdminPrincipal {
  readonly ownerId: string;
}

export type KeyAdminFailure =
  | { readonly code: 'invalid_request'; readonly message: string; readonly details: readonly Problem[] }
  /** Also for another owner's key: whether it exists is not the caller's business. */
  | { readonly code: 'key_not_found'; readonly message: string }
  | { readonly code: 'key_revoked'; readonly message: string }
  | { readonly code: 'key_expired'; readonly message: string }
  /** The Idempotency-Key already created a key from another request. */
  | { readonly code: 'idempotency_key_reused'; readonly message: string };

export interface CreateOptions {
  /** A retry with the same key and request answers the key the first one made instead of creating another. */
  readonly idempotencyKey?: string | undefined;
}

export interface ListOptions {
  /** Keys per page: 1 to KEY_PAGE_LIMITS.max, default KEY_PAGE_LIMITS.default. */
  readonly limit?: number | undefined;
  /** The last key id of the previous page. */
  readonly after?: string | undefined;
}

export const KEY_PAGE_LIMITS = { default: 100, max: 1_000 } as const;

export interface RotateOptions {
  /** How long the replaced value keeps working; default: the configured grace period. */
  readonly graceMs?: number | undefined;
}

/**
 * Key management, as both doors use it: the admin API calls it in process; `npm run keys` calls it in process
 * or, while a local server owns the data folder, through that server's admin API (ADR 0013).
 */
export interface KeyAdministration {
  /** Without an Idempotency-Key every create makes a key; with one, a retry may answer the earlier key instead. */
  create(principal: AdminPrincipal, input: KeySpecInput): Promise<Result<NewKeyView, KeyAdminFailure>>;
  create(principal: AdminPrincipal, input: KeySpecInput, options: CreateOptions): Promise<Result<CreatedKeyView, KeyAdminFailure>>;
  list(principal: AdminPrincipal, options?: ListOptions): Promise<Result<KeyListView, KeyAdminFailure>>;
  show(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>>;
  revoke(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>>;
  rotate(principal: AdminPrincipal, id: string, options: RotateOptions): Promise<Result<IssuedKeyView, KeyAdminFailure>>;
}
