import type { AdminAuthenticator } from '../../../../application/keys/admin-authenticator';
import type { AdminPrincipal } from '../../../../application/keys/key-administration';
import { SecretStoreError } from '../../../../ports/secret-store';
import type { HttpRequest } from '../../core/http-types';
import { HttpError } from '../../http-error';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/** Far longer than any admin token; a longer header is refused before it is hashed. */
const MAX_HEADER = 1_024;

/**
 * The admin API's gate: no token → 401, a wrong token or a gateway key → 403, no admin token configured → 503.
 * Nothing about the presented value reaches a message or a log.
 */
export async function requireAdmin(auth: AdminAuthenticator, request: HttpRequest): Promise<AdminPrincipal> {
  const header = request.headers.authorization;
  const presented = header !== undefined && header.length <= MAX_HEADER ? BEARER.exec(header)?.[1] : undefined;
  let result: Awaited<ReturnType<AdminAuthenticator['authenticate']>>;
  try {
    result = await auth.authenticate(presented);
  } catch (error) {
    if (!(error instanceof SecretStoreError)) throw error;
    if ((error.cause as { name?: unknown } | undefined)?.name === 'ParameterNotFound') {
      throw new HttpError(503, 'admin_not_configured', 'The admin API is disabled: its admin token parameter does not exist in SSM.');
    }
    throw new HttpError(503, 'admin_unavailable', 'The admin token cannot be read right now; try again shortly.', undefined, { 'Retry-After': '5' });
  }
  if (result.ok) return result.value;
  const { code, message } = result.error;
  switch (code) {
    case 'admin_not_configured':
      throw new HttpError(503, code, message);
    case 'missing_token':
      throw new HttpError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer realm="admin"' });
    case 'client_key':
    case 'invalid_token':
      throw new HttpError(403, 'forbidden', message);
  }
}
