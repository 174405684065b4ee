const SECRET_KEY = /authorization|api[-_]?key|secret|token(?!s)|password|cookie|credential/i;
const SECRET_VALUE =
  /\b(?:sk-(?:ant-)?[A-Za-z0-9_-]{8,}|cs_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|xox[abp]-[A-Za-z0-9-]{8,})|\bbearer\s+[A-Za-z0-9._~+/=-]+|\b(?:x-)?api[-_]?key["']?\s*[:=]\s*["']?[^\s"',&]+/gi;
export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 6;

/** Masks anything that looks like a credential inside free text. */
export function redactText(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED);
}

/**
 * A copy of a log payload with credentials removed: values under secret-sounding keys are masked
 * whole, and key-shaped substrings anywhere else are masked in place.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
