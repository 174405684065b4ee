import type { KeySpecInput, Problem } from '../../domain/keys/key-spec';
import type { Result } from '../../domain/shared/result';
import type { IssuedKeyView, KeyView } from './key-view';

/** Who is managing keys: every key belongs to one owner, and nobody sees another owner's keys (FAULTS #24). */
export interface AdminPrincipal {
  readonly ownerId: string;
}

export type KeyAdminFailure =
  | { readonly code: 'invalid_request'; readonly message: string; readonly details: readonly Problem[] }
  /** Also for another owner's key: whether it exists is not the caller's business. */
  | { readonly code: 'key_not_found'; readonly message: string }
  | { readonly code: 'key_revoked'; readonly message: string }
  | { readonly code: 'key_expired'; readonly message: string };

export interface RotateOptions {
  /** How long the replaced value keeps working; default: the configured grace period. */
  readonly graceMs?: number | undefined;
}

/**
 * Key management, as both doors use it: the admin API calls it in process; `npm run keys` calls it in process
 * or, while a local server owns the data folder, through that server's admin API (ADR 0013).
 */
export interface KeyAdministration {
  create(principal: AdminPrincipal, input: KeySpecInput): Promise<Result<IssuedKeyView, KeyAdminFailure>>;
  list(principal: AdminPrincipal): Promise<readonly KeyView[]>;
  show(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>>;
  revoke(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>>;
  rotate(principal: AdminPrincipal, id: string, options: RotateOptions): Promise<Result<IssuedKeyView, KeyAdminFailure>>;
}
