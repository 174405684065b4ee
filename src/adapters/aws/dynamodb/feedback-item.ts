import type { FeedbackRecord } from '../../../domain/feedback/feedback-record';
import { bool, defined, num, oneOf, optOneOf, optStr, str, VENDORS, type Item } from './item-fields';
import { FEEDBACK, FEEDBACK_TIME_SHARDS } from './table-design';
import { shardOf, timeBucket } from './time-buckets';

/** One vote: keyed by its idempotency key, indexed by day and shard for time windows. */
export function toFeedbackItem(record: FeedbackRecord, fingerprint: string): Record<string, unknown> {
  return defined({
    [FEEDBACK.pk]: record.idempotencyKey,
    [FEEDBACK.timeBucket]: timeBucket(record.at, shardOf(record.id, FEEDBACK_TIME_SHARDS)),
    [FEEDBACK.at]: record.at,
    id: record.id,
    sayingId: record.sayingId,
    feedbackType: record.feedbackType,
    vendor: record.vendor,
    model: record.model,
    executionTimeMs: record.executionTimeMs,
    isCached: record.isCached,
    // null is a value here ("not cached, so no original time"), kept as DynamoDB's NULL.
    originalLlmTimeMs: record.originalLlmTimeMs,
    fingerprint,
  });
}

export function fromFeedbackItem(item: Item): FeedbackRecord {
  const original = item.originalLlmTimeMs;
  return {
    id: str(item, 'id'),
    at: num(item, FEEDBACK.at),
    sayingId: str(item, 'sayingId'),
    feedbackType: oneOf(item, 'feedbackType', ['POSITIVE', 'NEGATIVE'] as const),
    vendor: optOneOf(item, 'vendor', VENDORS),
    model: optStr(item, 'model'),
    executionTimeMs: num(item, 'executionTimeMs'),
    isCached: bool(item, 'isCached'),
    originalLlmTimeMs: original === null || original === undefined ? null : num(item, 'originalLlmTimeMs'),
    idempotencyKey: str(item, FEEDBACK.pk),
  };
}

export const fingerprintOf = (item: Item): string => str(item, 'fingerprint');
