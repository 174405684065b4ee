import type { RateLimitView } from '../../../../application/gateway/chat-request';

/** Go-style durations as OpenAI writes them: `20ms`, `1.5s`, `6m0s`. */
export function duration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1_000) return `${whole}ms`;
  const seconds = whole / 1_000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}

/** OpenAI's `x-ratelimit-*` headers for a key's request and token buckets. */
export function rateLimitHeaders(limits: RateLimitView): Record<string, string> {
  const { requests, tokens } = limits;
  return {
    'x-ratelimit-limit-requests': String(requests.limit),
    'x-ratelimit-limit-tokens': String(tokens.limit),
    'x-ratelimit-remaining-requests': String(requests.remaining),
    'x-ratelimit-remaining-tokens': String(tokens.remaining),
    'x-ratelimit-reset-requests': duration(requests.resetMs),
    'x-ratelimit-reset-tokens': duration(tokens.resetMs),
  };
}
