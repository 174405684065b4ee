import { createHash } from 'node:crypto';
import { fingerprint } from '../feedback/fingerprint';
import type { JobHeader } from './job';

/**
 * The job an `Idempotency-Key` names (ADR 0020): derived from the key alone, so a retried `POST /jobs` — after a
 * timeout, a 503, a dropped connection — looks up the job the first attempt made instead of starting a second
 * one, on any instance, with no extra record to keep. An RFC 9562 version-8 (vendor-specific) UUID, so it reads
 * like any other job id; the key itself is not stored.
 */
export function idempotentJobId(key: string): string {
  const h = createHash('sha256').update(`cloud-sayings/jobs/idempotency-key\u0000${key}`).digest('hex');
  const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What makes two submissions the same request: the fields as the client sent them, in any key order. */
export function jobRequestFingerprint(input: { readonly type: string; readonly count?: number | undefined; readonly models?: readonly string[] | undefined; readonly services?: readonly string[] | undefined }): string {
  return fingerprint({ type: input.type, count: input.count, models: input.models, services: input.services });
}

/** Whether a stored job was made by a request with this fingerprint (a job made without a key never matches). */
export const madeBy = (header: JobHeader, requestFingerprint: string): boolean => header.requestFingerprint === requestFingerprint;
