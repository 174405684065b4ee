import * as z from 'zod';
import { JOB_LIMITS } from '../../domain/jobs/job';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Batch jobs' settings, for both profiles (spread into the shared shape). The queue defaults to SQS when
 * JOBS_QUEUE_URL is set, to Redis when REDIS_URL is, else to the in-process queue.
 */
export const jobsSharedShape = {
  JOBS_QUEUE: z.enum(['memory', 'redis', 'sqs'], { error: 'must be memory, redis or sqs' }).optional(),
  /** Part of the Redis keys: processes sharing a Redis and a name share a queue. */
  JOBS_QUEUE_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 of A-Z a-z 0-9 _ -' }).default('jobs'),
  /** How long a delivered message stays invisible; longer than the slowest model call (ADR 0019). */
  JOBS_VISIBILITY_TIMEOUT_MS: int(1_000, 43_200_000).default(60_000),
  /** Deliveries before a message is dead-lettered; in AWS the queue's redrive policy must agree. */
  JOBS_MAX_RECEIVE_COUNT: int(1, 1_000).default(5),
  JOBS_RETRY_BASE_MS: int(0, 3_600_000).default(1_000),
  JOBS_RETRY_CAP_MS: int(0, 43_200_000).default(60_000),
  /** `inline`: this process also runs a worker (the local server's default); `off`: only submits. */
  JOBS_WORKER: z.enum(['inline', 'off']).optional(),
  JOBS_WORKER_CONCURRENCY: int(1, 64).default(4),
  JOBS_POLL_WAIT_MS: int(0, 20_000).default(1_000),
  JOBS_TTL_DAYS: int(1, 365).default(7),
  /** Sayings one client may ask for an hour over all its jobs (`POST /jobs` is public; each saying is a model call). */
  JOBS_SAYINGS_PER_CLIENT_HOUR: int(JOB_LIMITS.maxCount, 100_000_000).default(2_000),
  /** SQS queue and dead-letter queue (JOBS_QUEUE=sqs). */
  JOBS_QUEUE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  JOBS_DLQ_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  JOBS_DLQ_ARN: z.string().regex(/^arn:[\w-]+:sqs:[\w-]+:\d{12}:[\w-]+$/, { error: 'must be an SQS queue ARN' }).optional(),
  SQS_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
};

/** The aws profile's extra: the jobs table (jobs are off in a deployment without it). */
export const jobsAwsShape = {
  JOBS_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)' }).optional(),
};

export interface JobsSettings {
  readonly JOBS_QUEUE?: 'memory' | 'redis' | 'sqs' | undefined;
  readonly JOBS_QUEUE_NAME: string;
  readonly JOBS_VISIBILITY_TIMEOUT_MS: number;
  readonly JOBS_MAX_RECEIVE_COUNT: number;
  readonly JOBS_RETRY_BASE_MS: number;
  readonly JOBS_RETRY_CAP_MS: number;
  readonly JOBS_WORKER?: 'inline' | 'off' | undefined;
  readonly JOBS_WORKER_CONCURRENCY: number;
  readonly JOBS_POLL_WAIT_MS: number;
  readonly JOBS_TTL_DAYS: number;
  readonly JOBS_SAYINGS_PER_CLIENT_HOUR: number;
  readonly JOBS_QUEUE_URL?: string | undefined;
  readonly JOBS_DLQ_URL?: string | undefined;
  readonly JOBS_DLQ_ARN?: string | undefined;
  readonly SQS_ENDPOINT?: string | undefined;
  readonly REDIS_URL?: string | undefined;
}

/** Which queue serves, after defaults; a problem is a message for the start-up error. */
export function chooseQueue(s: JobsSettings): { readonly kind: 'memory' | 'redis' | 'sqs' } | { readonly problem: string } {
  const kind = s.JOBS_QUEUE ?? (s.JOBS_QUEUE_URL !== undefined ? 'sqs' : s.REDIS_URL !== undefined ? 'redis' : 'memory');
  if (kind === 'redis' && s.REDIS_URL === undefined) return { problem: 'JOBS_QUEUE: redis needs REDIS_URL' };
  if (kind === 'sqs' && (s.JOBS_QUEUE_URL === undefined || s.JOBS_DLQ_URL === undefined)) return { problem: 'JOBS_QUEUE: sqs needs JOBS_QUEUE_URL and JOBS_DLQ_URL' };
  return { kind };
}
