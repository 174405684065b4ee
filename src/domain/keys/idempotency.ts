import { fingerprint } from '../feedback/fingerprint';
import type { ApiKeyRecord } from './api-key';
import type { KeySpec } from './key-spec';

/*
 * `POST /admin/keys` with an `Idempotency-Key` (ADR 0012): the key id is derived from the owner and the
 * Idempotency-Key, so a retried create — after a timeout, a dropped connection, a 503 — finds the key its first
 * attempt made, on any instance, instead of minting a second active key. The Idempotency-Key itself is not
 * stored; the record keeps a fingerprint of the request so that the same key with another request is refused.
 */

/** `key_` and 32 hex digits, like every key id; another owner's same Idempotency-Key names another key. */
export function idempotentKeyId(ownerId: string, idempotencyKey: string): string {
  return `key_${fingerprint({ scope: 'cloud-sayings/keys/idempotency-key', ownerId, idempotencyKey }).slice(0, 32)}`;
}

/** What makes two creates the same request: the key's spec as checked (so `haiku` and its vendor id agree). */
export function keySpecFingerprint(spec: KeySpec): string {
  return fingerprint({ ...spec, allowedModels: spec.allowedModels === undefined ? undefined : [...spec.allowedModels].sort() });
}

/** Whether a stored key was made by a create with this fingerprint (a key made without an Idempotency-Key never is). */
export const createdBy = (record: ApiKeyRecord, specFingerprint: string): boolean => record.requestFingerprint === specFingerprint;
