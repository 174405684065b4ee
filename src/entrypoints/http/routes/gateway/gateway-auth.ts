import type { GatewayCaller, GatewayKeys } from '../../../../application/gateway/gateway-caller';
import type { HttpRequest } from '../../core/http-types';

/** Far above any key we issue; a longer header is refused without reaching the key store (FAULTS #21). */
export const MAX_PRESENTED_KEY_CHARS = 256;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The key of `Authorization: Bearer <key>`, or undefined for a missing, malformed or oversized header. */
export function presentedKey(headers: HttpRequest['headers']): string | undefined {
  const header = headers.authorization;
  if (header === undefined || header.length > MAX_PRESENTED_KEY_CHARS + 16) return undefined;
  const key = BEARER.exec(header)?.[1];
  return key !== undefined && key.length <= MAX_PRESENTED_KEY_CHARS ? key : undefined;
}

/** The caller, or undefined — answered with one 401 body whatever was wrong with the key. */
export async function authenticate(keys: GatewayKeys, request: HttpRequest): Promise<GatewayCaller | undefined> {
  const key = presentedKey(request.headers);
  return key === undefined ? undefined : keys.authenticate(key);
}
