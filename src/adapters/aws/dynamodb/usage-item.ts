import { USAGE_CHANNELS, type UsageEntry } from '../../../domain/usage/usage-entry';
import { bool, defined, map, num, oneOf, optNum, optOneOf, optStr, str, VENDORS, type Item } from './item-fields';
import { USAGE, USAGE_TIME_SHARDS } from './table-design';
import { shardOf, sortableAt, timeBucket } from './time-buckets';

/** One ledger line; costs stay integer nano-dollars (ADR 0003). */
export function toUsageItem(entry: UsageEntry, expiresAtSeconds: number | undefined): Record<string, unknown> {
  const s = entry.spend;
  return defined({
    [USAGE.pk]: timeBucket(entry.at, shardOf(entry.id, USAGE_TIME_SHARDS)),
    [USAGE.sk]: `${sortableAt(entry.at)}#${entry.id}`,
    [USAGE.ttl]: expiresAtSeconds,
    id: entry.id,
    at: entry.at,
    channel: entry.channel,
    source: entry.source,
    vendor: entry.vendor,
    model: entry.model,
    provider: entry.provider,
    offline: entry.offline,
    keyId: entry.keyId,
    latencyMs: entry.latencyMs,
    cacheHit: entry.cacheHit,
    status: entry.status,
    httpStatus: entry.httpStatus,
    errorCode: entry.errorCode,
    partial: entry.partial,
    spend:
      s === undefined
        ? undefined
        : defined({ inputTokens: s.inputTokens, outputTokens: s.outputTokens, costNano: s.costNano, estimated: s.estimated, llmLatencyMs: s.llmLatencyMs }),
  });
}

export function fromUsageItem(item: Item): UsageEntry {
  const s = map(item, 'spend');
  return {
    id: str(item, 'id'),
    at: num(item, 'at'),
    channel: oneOf(item, 'channel', USAGE_CHANNELS),
    source: oneOf(item, 'source', ['collection', 'live', 'pool', 'none'] as const),
    vendor: optOneOf(item, 'vendor', VENDORS),
    model: optStr(item, 'model'),
    provider: optStr(item, 'provider'),
    offline: bool(item, 'offline'),
    keyId: optStr(item, 'keyId'),
    latencyMs: num(item, 'latencyMs'),
    cacheHit: bool(item, 'cacheHit'),
    status: oneOf(item, 'status', ['ok', 'error'] as const),
    ...optional('httpStatus', optNum(item, 'httpStatus')),
    ...optional('errorCode', optStr(item, 'errorCode')),
    ...optional('partial', item.partial === undefined ? undefined : bool(item, 'partial')),
    spend:
      s === undefined
        ? undefined
        : {
            inputTokens: optNum(s, 'inputTokens'),
            outputTokens: optNum(s, 'outputTokens'),
            costNano: optNum(s, 'costNano'),
            estimated: bool(s, 'estimated'),
            llmLatencyMs: num(s, 'llmLatencyMs'),
          },
  };
}

/** Absent stays absent, so an entry read back equals the one written. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
