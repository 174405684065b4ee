import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Container } from 'inversify';
import { DynamoDbJobRepo } from '../../adapters/aws/dynamodb/dynamodb-job-repo';
import { SqsJobQueue } from '../../adapters/aws/sqs/sqs-job-queue';
import { InMemoryJobQueue } from '../../adapters/memory/in-memory-job-queue';
import { InMemoryJobRepo } from '../../adapters/memory/in-memory-job-repo';
import type { MemoryState } from '../../adapters/memory/memory-state';
import { RedisJobQueue } from '../../adapters/redis/redis-job-queue';
import { GetJobUseCase } from '../../application/jobs/get-job.use-case';
import { JobItemProcessor } from '../../application/jobs/job-item-processor';
import { JobWorker } from '../../application/jobs/job-worker';
import { SubmitJobUseCase } from '../../application/jobs/submit-job.use-case';
import type { Clock } from '../../ports/clock';
import type { JobQueue } from '../../ports/job-queue';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import { ConfigError, type AppConfig } from '../config/app-config';
import { chooseQueue } from '../config/jobs-config';
import type { RedisHandle } from './cache-and-limits';
import { TOKENS as T } from './tokens';

const DAY_MS = 86_400_000;

/** The local profile: jobs in the process's (journaled) state; the queue as configured. */
export function bindLocalJobs(c: Container, config: AppConfig): void {
  c.bind(T.JobRepo).toResolvedValue((s: MemoryState, clock: Clock) => new InMemoryJobRepo(s, clock), [T.MemoryState, T.Clock]);
  bindQueue(c, config);
  bindJobUseCases(c, config);
}

/** The aws profile: jobs on DynamoDB; without JOBS_TABLE the deployment has no jobs (no routes, no worker). */
export function bindAwsJobs(c: Container, config: AppConfig & { readonly JOBS_TABLE?: string | undefined }, dynamo: DynamoDBDocumentClient): void {
  const tableName = config.JOBS_TABLE;
  if (tableName === undefined) return;
  c.bind(T.JobRepo).toResolvedValue((clock: Clock) => new DynamoDbJobRepo({ client: dynamo, tableName, clock }), [T.Clock]);
  bindQueue(c, config);
  bindJobUseCases(c, config);
}

function bindQueue(c: Container, config: AppConfig): void {
  c.bind(T.JobQueue).toDynamicValue(({ get }): JobQueue =>
    createJobQueue(config, { clock: get<Clock>(T.Clock), random: get<RandomSource>(T.Random), redis: get<RedisHandle>(T.Redis) }),
  );
}

/** The configured queue; the CLI builds its own with this too. */
export function createJobQueue(
  config: AppConfig,
  deps: { readonly clock: Clock; readonly random: RandomSource; readonly redis: Pick<RedisHandle, 'client' | 'keyPrefix'> },
): JobQueue {
  const choice = chooseQueue(config);
  if ('problem' in choice) throw new ConfigError(`invalid configuration:\n  ${choice.problem}`);
  const common = { visibilityTimeoutMs: config.JOBS_VISIBILITY_TIMEOUT_MS, maxReceiveCount: config.JOBS_MAX_RECEIVE_COUNT };
  if (choice.kind === 'memory') return new InMemoryJobQueue({ ...common, clock: deps.clock, random: deps.random });
  if (choice.kind === 'redis') {
    if (!deps.redis.client) throw new ConfigError('invalid configuration:\n  JOBS_QUEUE: redis needs REDIS_URL');
    return new RedisJobQueue({ ...common, redis: deps.redis.client, keyPrefix: deps.redis.keyPrefix, queueName: config.JOBS_QUEUE_NAME });
  }
  return new SqsJobQueue({
    client: new SQSClient({
      region: config.AWS_REGION,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 25_000 }),
      ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
    }),
    queueUrl: config.JOBS_QUEUE_URL as string,
    deadLetterQueueUrl: config.JOBS_DLQ_URL as string,
    ...(config.JOBS_DLQ_ARN ? { deadLetterQueueArn: config.JOBS_DLQ_ARN } : {}),
  });
}

function bindJobUseCases(c: Container, config: AppConfig): void {
  c.bind(T.SubmitJob).toDynamicValue(
    ({ get }) =>
      new SubmitJobUseCase(get(T.ModelDirectory), get(T.Services), get(T.ServicePicker), get(T.JobRepo), get(T.JobQueue), get(T.Logger), get(T.Clock), get(T.Random), get(T.RateLimiter), {
        ttlMs: config.JOBS_TTL_DAYS * DAY_MS,
        sayingsPerClientHour: config.JOBS_SAYINGS_PER_CLIENT_HOUR,
      }),
  );
  c.bind(T.GetJob).toDynamicValue(({ get }) => new GetJobUseCase(get(T.JobRepo)));
  c.bind(T.JobItemProcessor).toDynamicValue(
    ({ get }) =>
      new JobItemProcessor(
        get(T.JobRepo), get(T.ModelDirectory), get(T.SayingGenerator), get(T.Services), get(T.CollectionCache), get(T.SayingRepo),
        get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random),
        { baseMs: config.JOBS_RETRY_BASE_MS, capMs: config.JOBS_RETRY_CAP_MS, maxReceiveCount: config.JOBS_MAX_RECEIVE_COUNT },
      ),
  );
  c.bind(T.JobWorker).toDynamicValue(
    ({ get }) =>
      new JobWorker(get(T.JobQueue), get(T.JobItemProcessor), get(T.Logger), {
        concurrency: config.JOBS_WORKER_CONCURRENCY,
        pollWaitMs: config.JOBS_POLL_WAIT_MS,
        errorBackoffMs: 500,
      }),
  );
}

/** Whether this container serves jobs (the aws profile without JOBS_TABLE does not). */
export const hasJobs = (c: Container): boolean => c.isBound(T.SubmitJob);

/**
 * Starts the in-process worker where configured (the local server's default) and, for the in-process queue,
 * puts the unfinished items of stored jobs back on it: that queue did not survive the restart, their state did.
 * Returns what stops it.
 */
export async function startJobs(c: Container, config: AppConfig, defaultWorker: 'inline' | 'off'): Promise<() => Promise<void>> {
  if (!hasJobs(c)) return () => Promise.resolve();
  const queue = c.get<JobQueue>(T.JobQueue);
  if (queue instanceof InMemoryJobQueue && c.isBound(T.MemoryState)) {
    const state = c.get<MemoryState>(T.MemoryState);
    const unfinished = state.jobs.unfinished(c.get<Clock>(T.Clock).now());
    const messages = unfinished.flatMap((j) => j.items.map((item) => ({ jobId: j.jobId, item })));
    if (messages.length > 0) {
      await queue.send(messages);
      c.get<Logger>(T.Logger).info('unfinished job items queued again', { jobs: unfinished.length, items: messages.length });
    }
  }
  if ((config.JOBS_WORKER ?? defaultWorker) !== 'inline') return () => Promise.resolve();
  const worker = c.get<JobWorker>(T.JobWorker);
  worker.start();
  return () => worker.stop();
}
