/** The most a server may make us wait; anything longer is treated as this (and normally past the deadline). */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * Reads `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date) into milliseconds from `now`.
 * Undefined when absent or unreadable; never negative, so a skewed server clock cannot make us sleep
 * a negative time.
 */
export function parseRetryAfter(
  headers: { readonly retryAfter?: string | null; readonly retryAfterMs?: string | null },
  now: number,
): number | undefined {
  const ms = headers.retryAfterMs?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return clamp(Number(ms));
  const value = headers.retryAfter?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return clamp(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

const clamp = (ms: number): number => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(ms)));
