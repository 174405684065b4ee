import { cacheKeyText, type CacheKeyFields } from '../../domain/chat/chat-prompt';
import type { CacheStore } from '../../ports/cache-store';
import type { Hasher } from '../../ports/hasher';
import type { Logger } from '../../ports/logger';
import { describeError } from '../sayings/pool-builder';

/** A reply as the cache keeps it: enough to answer again exactly as the first time. */
export interface CachedReply {
  readonly reply: string;
  readonly model: string;
  readonly provider: string;
  readonly offline: boolean;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly estimated: boolean;
  readonly costNano: number | undefined;
  readonly latencyMs: number;
}

/** Chat's own part of the shared cache's key space. */
const KEY_PREFIX = 'chat:v1:';

/**
 * The identical-prompt cache (seed 002): SHA-256 of the stable fields, temperature excluded. A cache is an
 * optimisation, so a failing or corrupt entry is a miss, never an error; errors and partial answers are
 * never stored.
 */
export class ReplyCache {
  constructor(
    private readonly cache: CacheStore,
    private readonly hasher: Hasher,
    private readonly logger: Logger,
    private readonly ttlMs: number,
  ) {}

  key(fields: CacheKeyFields): string {
    return KEY_PREFIX + this.hasher.sha256Hex(cacheKeyText(fields));
  }

  async get(key: string): Promise<CachedReply | undefined> {
    if (this.ttlMs <= 0) return undefined;
    try {
      const raw = await this.cache.get(key);
      return raw === undefined ? undefined : parse(raw);
    } catch (error) {
      this.logger.warn('chat cache read failed; treated as a miss', { error: describeError(error) });
      return undefined;
    }
  }

  async set(key: string, reply: CachedReply): Promise<void> {
    if (this.ttlMs <= 0) return;
    await this.cache.set(key, JSON.stringify(reply), this.ttlMs).catch((error: unknown) => {
      this.logger.warn('chat cache write failed', { error: describeError(error) });
    });
  }
}

const optNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parse(raw: string): CachedReply | undefined {
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v.reply !== 'string' || typeof v.model !== 'string' || typeof v.provider !== 'string') return undefined;
    if (typeof v.offline !== 'boolean' || typeof v.estimated !== 'boolean' || optNumber(v.latencyMs) === undefined) return undefined;
    return {
      reply: v.reply,
      model: v.model,
      provider: v.provider,
      offline: v.offline,
      inputTokens: optNumber(v.inputTokens),
      outputTokens: optNumber(v.outputTokens),
      estimated: v.estimated,
      costNano: optNumber(v.costNano),
      latencyMs: optNumber(v.latencyMs) ?? 0,
    };
  } catch {
    return undefined;
  }
}
