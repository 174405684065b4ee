/** What every `Idempotency-Key` (HTTP header or CLI flag) must be: 1–128 visible ASCII characters; a UUID is best. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
