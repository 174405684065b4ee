import { API_KEY_PREFIX } from './api-key-format';

/*
 * The admin API's bearer token (ADR 0012). It is compared through the SHA-256 of both sides, so the comparison
 * runs over two fixed-length digests and its time says nothing about how much of a guess was right, nor about
 * the token's length.
 */

export const MIN_ADMIN_TOKEN_CHARS = 20;

/** Why a configured admin token is unusable, or undefined when it is fine. */
export function adminTokenProblem(token: string): string | undefined {
  if (token.length < MIN_ADMIN_TOKEN_CHARS) return `must be at least ${MIN_ADMIN_TOKEN_CHARS} characters (e.g. openssl rand -hex 32)`;
  if (token.length > 512) return 'must be at most 512 characters';
  if (!/^[\x21-\x7e]+$/.test(token)) return 'must be visible ASCII characters without spaces';
  if (token.startsWith(API_KEY_PREFIX)) return `must not start with ${API_KEY_PREFIX}, which marks gateway keys`;
  return undefined;
}

/** Equal-length strings compared without an early exit (unequal lengths are unequal at once: callers pass digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Owners name who manages a key: lower-case letters, digits, `-` and `_`. */
export function ownerIdProblem(owner: string): string | undefined {
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(owner) ? undefined : 'must be 1–64 of a-z 0-9 - _, starting with a letter or digit';
}
