import { API_KEY_PREFIX } from '../../domain/keys/api-key-format';
import { adminTokenProblem, constantTimeEqual } from '../../domain/keys/admin-token';
import { err, ok, type Result } from '../../domain/shared/result';
import type { Hasher } from '../../ports/hasher';
import type { SecretStore } from '../../ports/secret-store';
import type { AdminPrincipal } from './key-administration';

/** The secret store's name for the admin API's bearer token (an environment variable locally, SSM in AWS). */
export const ADMIN_TOKEN_SECRET = 'ADMIN_TOKEN';
/** The owner the admin token acts for; the CLI's default too. */
export const ADMIN_OWNER = 'admin';

export type AdminAuthFailure =
  /** No usable admin token is configured: the admin API stays closed. */
  | { readonly code: 'admin_not_configured'; readonly message: string }
  | { readonly code: 'missing_token'; readonly message: string }
  | { readonly code: 'client_key'; readonly message: string }
  | { readonly code: 'invalid_token'; readonly message: string };

/**
 * Who is calling the admin API (ADR 0012). The configured token is read per call through the secret store (SSM
 * caches it per parameter, so a rotated token takes effect after its TTL). Both sides are compared as SHA-256
 * digests in constant time. A gateway key is refused by its shape alone; it is never looked up here.
 */
export class AdminAuthenticator {
  constructor(
    private readonly secrets: SecretStore,
    private readonly hasher: Hasher,
  ) {}

  async authenticate(presented: string | undefined): Promise<Result<AdminPrincipal, AdminAuthFailure>> {
    const configured = await this.secrets.get(ADMIN_TOKEN_SECRET);
    if (configured === undefined) {
      return err({ code: 'admin_not_configured', message: 'The admin API is disabled: no admin token is configured (ADMIN_TOKEN).' });
    }
    const problem = adminTokenProblem(configured);
    if (problem !== undefined) return err({ code: 'admin_not_configured', message: `The admin API is disabled: the configured admin token ${problem}.` });
    if (presented === undefined || presented === '') {
      return err({ code: 'missing_token', message: 'Send the admin token as Authorization: Bearer <token>.' });
    }
    if (constantTimeEqual(this.hasher.sha256Hex(presented), this.hasher.sha256Hex(configured))) return ok({ ownerId: ADMIN_OWNER });
    if (presented.startsWith(API_KEY_PREFIX)) {
      return err({ code: 'client_key', message: 'Gateway API keys cannot manage keys; use the admin token.' });
    }
    return err({ code: 'invalid_token', message: 'The admin token is not valid.' });
  }
}
