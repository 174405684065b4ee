import { cacheKeyText } from '../../domain/gateway/cache-key';
import type { CacheStore } from '../../ports/cache-store';
import type { Hasher } from '../../ports/hasher';
import type { FinishReason, LlmMessage } from '../../ports/llm-provider';
import type { Logger } from '../../ports/logger';
import type { Completion } from './chat-request';

/** Only complete answers are kept: never errors, never a cut stream, never a filtered one. */
const CACHEABLE: ReadonlySet<FinishReason> = new Set(['stop', 'length']);

export interface CacheKeyParts {
  readonly keyId: string;
  readonly model: string;
  readonly servedBy: { readonly vendorModelId: string; readonly provider: string; readonly offline: boolean };
  readonly messages: readonly LlmMessage[];
  readonly maxTokens: number;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Gateway answers by SHA-256 of the request's stable fields, scoped per API key (domain/gateway/cache-key.ts).
 * The cache is an optimisation: a failing or corrupt store is a miss, never a failed request.
 */
export class GatewayResponseCache {
  constructor(
    private readonly store: CacheStore,
    private readonly hasher: Hasher,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Empty when the cache is off: nothing is hashed for a lookup that cannot happen. */
  keyFor(parts: CacheKeyParts): string {
    if (!this.enabled) return '';
    const text = cacheKeyText({ scope: parts.keyId, model: parts.model, servedBy: { vendorModelId: parts.servedBy.vendorModelId, provider: parts.servedBy.provider, offline: parts.servedBy.offline }, messages: parts.messages, maxTokens: parts.maxTokens, options: parts.options });
    return `gw:${this.hasher.sha256Hex(text)}`;
  }

  async get(key: string): Promise<Completion | undefined> {
    if (!this.enabled) return undefined;
    try {
      const raw = await this.store.get(key);
      return raw === undefined ? undefined : parseEntry(raw);
    } catch (error) {
      this.logger.warn('gateway cache read failed; treated as a miss', { error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  }

  async set(key: string, completion: Completion): Promise<void> {
    if (!this.enabled || !CACHEABLE.has(completion.finishReason)) return;
    try {
      await this.store.set(key, JSON.stringify({ v: 1, ...completion }), this.ttlMs);
    } catch (error) {
      this.logger.warn('gateway cache write failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  }
}

function parseEntry(raw: string): Completion | undefined {
  try {
    const value = JSON.parse(raw) as Partial<Completion> & { v?: unknown };
    const usage = value.usage;
    if (value.v !== 1 || typeof value.text !== 'string' || value.finishReason === undefined || !CACHEABLE.has(value.finishReason)) return undefined;
    if (!usage || typeof usage.promptTokens !== 'number' || typeof usage.completionTokens !== 'number') return undefined;
    return { text: value.text, finishReason: value.finishReason, usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, estimated: usage.estimated === true } };
  } catch {
    return undefined;
  }
}
