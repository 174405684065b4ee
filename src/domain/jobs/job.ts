import type { Vendor } from '../catalog/model-catalog';
import type { NanoUsd } from '../cost/money';

/**
 * Batch jobs (seed 002's async path). A job is split into items; an item is one LLM call for up to
 * `ITEM_SIZE` services, and is the unit of delivery, retry, progress and idempotency.
 */
export type JobType = 'generate' | 'enrich';

/** What was asked for, after validation and defaults. */
export interface JobRequest {
  readonly type: JobType;
  /** Sayings wanted: `count` for generate, one per service for enrich. */
  readonly count: number;
  /** Catalog keys, used round-robin across items. */
  readonly models: readonly string[];
  /** Service ids asked for; for generate without a list, the ones the job picked. */
  readonly services: readonly string[];
}

/** An item's status; a job's status is derived from its items (`summarizeJob`). */
export type ItemStatus = 'pending' | 'succeeded' | 'failed';

/** One text the item's model answered, with the fate duplicate detection gave it. */
export interface GeneratedText {
  /** Deterministic: `sayingIdFor(jobId, item, position)`, so a second processing writes the same saying. */
  readonly sayingId: string;
  readonly text: string;
  readonly serviceId: string;
  /** Dropped as a duplicate of the collection, of another saying of this job, or of itself. */
  readonly duplicate: boolean;
}

/**
 * The kept outcome of an item's LLM call: written once (first writer wins) before any saying is stored,
 * so every later processing of the item stores exactly these sayings.
 */
export interface ItemGeneration {
  readonly texts: readonly GeneratedText[];
  readonly vendor: Vendor;
  readonly model: string;
  readonly provider: string;
  readonly offline: boolean;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly costNano: NanoUsd | undefined;
  /** True when the provider reported no usage and the tokens are estimated. */
  readonly estimated: boolean;
  readonly llmTimeMs: number;
  readonly at: number;
}

export interface ItemError {
  readonly code: string;
  /** Safe to show: never a credential or a provider's raw body. */
  readonly message: string;
  /** The delivery (receive count) that failed. */
  readonly attempt: number;
  readonly at: number;
  /** True once the item is given up (dead-lettered or not retryable). */
  readonly final: boolean;
}

export interface JobItem {
  readonly index: number;
  readonly model: string;
  readonly serviceIds: readonly string[];
  readonly status: ItemStatus;
  /** Deliveries that started work on the item (at least once: may exceed the receive count of one message). */
  readonly attempts: number;
  readonly generation: ItemGeneration | undefined;
  readonly lastError: ItemError | undefined;
  readonly updatedAt: number;
}

export interface JobHeader {
  readonly id: string;
  readonly request: JobRequest;
  readonly createdAt: number;
  readonly itemCount: number;
  /** Epoch ms after which the job may be deleted (DynamoDB TTL, the local state's pruning). */
  readonly expiresAt: number;
  /** For a job submitted with an Idempotency-Key: the digest of the request, to tell a retry from a reuse. */
  readonly requestFingerprint?: string | undefined;
  /** When its items were handed to the queue; absent while a submission is under way or after it failed to queue. */
  readonly queuedAt?: number | undefined;
}

export interface Job {
  readonly header: JobHeader;
  /** Ordered by index. */
  readonly items: readonly JobItem[];
}

/** Services per LLM call, as the pool builder asks (seed 001: three sayings in one call). */
export const ITEM_SIZE = 3;

/** Bounds of a request: a job is at most ~340 items, its results well inside one response. */
export const JOB_LIMITS = { minCount: 1, maxCount: 1_000, maxServices: 200, maxModels: 10 } as const;

/** Stable across deliveries and processes; short enough for a saying id (≤ 128 characters). */
export function sayingIdFor(jobId: string, item: number, position: number): string {
  return `job-${jobId}-${item}-${position}`;
}

export const newItem = (index: number, model: string, serviceIds: readonly string[], at: number): JobItem => ({
  index,
  model,
  serviceIds,
  status: 'pending',
  attempts: 0,
  generation: undefined,
  lastError: undefined,
  updatedAt: at,
});
