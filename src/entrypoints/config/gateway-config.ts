import * as z from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The gateway's settings (`/v1/*`), spread into both profiles' shapes; defaults for keys without their own limits. */
export const gatewayConfigShape = {
  GATEWAY_DEFAULT_RPM: int(1, 1_000_000).default(60),
  GATEWAY_DEFAULT_TPM: int(1, 1_000_000_000).default(100_000),
  GATEWAY_DEFAULT_MAX_TOKENS: int(1, 1_000_000).default(1_024),
  /** 0 turns the response cache off. */
  GATEWAY_CACHE_TTL_MS: int(0, 86_400_000).default(300_000),
  /** The whole upstream call, retries included; the streaming function's own timeout is longer. */
  GATEWAY_TIMEOUT_MS: int(100, 900_000).default(60_000),
  GATEWAY_BODY_LIMIT_BYTES: int(1_024, 6_000_000).default(524_288),
  GATEWAY_MAX_MESSAGES: int(1, 10_000).default(256),
  GATEWAY_MAX_MESSAGE_BYTES: int(16, 6_000_000).default(65_536),
  /**
   * How OpenAI (and OpenAI-compatible servers) are called: `http`, an undici keep-alive pool without the SDK (ADR 0015),
   * or `sdk`, the official SDK (on a node:http fetch). Both pass the same provider suites.
   */
  OPENAI_CLIENT: z.enum(['http', 'sdk']).default('http'),
};
