import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../ports/logger';
import type { SecretStore } from '../../ports/secret-store';

/** The header CloudFront adds to every request it sends the API (an origin custom header; ADR 0022). */
export const ORIGIN_SECRET_HEADER = 'x-origin-verify';
/** The logical name of its value in a `SecretStore`. */
export const ORIGIN_SECRET = 'ORIGIN_SECRET';

/**
 * `198.51.100.7:46532` → `198.51.100.7`; `2001:db8::7:46532` → `2001:db8::7` (CloudFront-Viewer-Address puts the
 * port after the last colon, without brackets). Undefined for anything that is not an address and a port.
 */
export function addressWithoutPort(value: string | undefined): string | undefined {
  const cut = value?.trim().lastIndexOf(':') ?? -1;
  if (value === undefined || cut <= 0 || !/^\d{1,5}$/.test(value.trim().slice(cut + 1))) return undefined;
  const address = value.trim().slice(0, cut).replace(/^\[|\]$/g, '');
  return /^[0-9a-fA-F.:]{2,45}$/.test(address) ? address : undefined;
}

/**
 * The client's address as the proxy in front reports it — but only for a request that came through that proxy.
 * The API's own endpoint (execute-api) stays reachable, for the admin API among others, and anyone calling it can
 * set `CloudFront-Viewer-Address` to any value they like; that would make per-client vote and chat limits
 * worthless. CloudFront adds a secret header to what it forwards; a request without it, or with a wrong one, is
 * taken at API Gateway's source IP. If the secret cannot be read, the same: limits then bucket by CloudFront's
 * addresses — stricter, never looser — and the failure is logged for the alarm.
 */
export class ViewerAddress {
  constructor(
    private readonly header: string,
    private readonly secrets: SecretStore,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  /** The address from `header` when the request carries the origin secret; undefined otherwise. */
  async of(headers: Readonly<Record<string, string | undefined>> | undefined): Promise<string | undefined> {
    const claimed = addressWithoutPort(headerValue(headers, this.header));
    const presented = headerValue(headers, ORIGIN_SECRET_HEADER);
    if (claimed === undefined || presented === undefined) return undefined;
    let secret: string | undefined;
    try {
      secret = await this.secrets.get(ORIGIN_SECRET);
    } catch (error) {
      this.logger.error('origin secret unreadable: client addresses fall back to the source IP', { alert: 'origin_secret', error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
    if (secret === undefined) {
      this.logger.error('origin secret missing: client addresses fall back to the source IP', { alert: 'origin_secret' });
      return undefined;
    }
    return sameSecret(presented, secret) ? claimed : undefined;
  }
}

/** Header names in API Gateway's and function URLs' events are lower case; a hand-made event may not be. */
function headerValue(headers: Readonly<Record<string, string | undefined>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Constant time, whatever the lengths: both sides are hashed first. */
function sameSecret(presented: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}
