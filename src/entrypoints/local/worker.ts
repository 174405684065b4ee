import 'reflect-metadata';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinoLogger } from '../../adapters/logging/pino-logger';
import type { JobWorker } from '../../application/jobs/job-worker';
import { ConfigError, loadAwsConfig } from '../config/app-config';
import { chooseQueue } from '../config/jobs-config';
import { buildAwsContainer } from '../container/aws-container';
import { awsLocalEnvironment } from './aws-local-app';
import { LOCAL_CLIENT_CONFIG } from './dynamodb-local';
import type { RedisHandle } from '../container/cache-and-limits';
import { hasJobs } from '../container/jobs-bindings';
import { buildSecretStore, configuredVendors } from '../container/model-providers';
import { TOKENS } from '../container/tokens';

const USAGE = `npm run worker — a job worker of its own, to run, kill and restart beside the servers.

It shares job state with them through DynamoDB and the queue through Redis or SQS, so it reads the aws
profile's settings from the environment, with the defaults of \`npm run start:aws-local\`:
  DYNAMODB_ENDPOINT   DynamoDB Local's endpoint (start:aws-local prints it when it starts one)
  *_TABLE             the tables (default cloud-sayings-local-*, or TABLE_PREFIX)
  REDIS_URL (default redis://127.0.0.1:6379, with JOBS_QUEUE_NAME), or JOBS_QUEUE_URL and JOBS_DLQ_URL (SQS)
With plain \`npm start\` (state in the server's memory and DATA_DIR) the server runs the worker itself.`;

/** `npm run worker`: a long-running consumer of the jobs queue (the ECS-style poller of seed 002). */
async function main(): Promise<void> {
  // start:aws-local's defaults; keys from the environment unless told otherwise (SECRETS_SOURCE=ssm in AWS).
  const env = awsLocalEnvironment({ CONFIG_SOURCE: 'env', ...process.env });
  const config = loadAwsConfig({}, env);
  const queue = chooseQueue(config);
  if ('problem' in queue) return usage(queue.problem);
  if (queue.kind === 'memory') return usage('the queue would be in this process only: set REDIS_URL, or JOBS_QUEUE_URL and JOBS_DLQ_URL.');
  const logger = new PinoLogger({ level: config.LOG_LEVEL, service: 'cloud-sayings-worker', bufferBytes: config.LOG_BUFFER_BYTES });
  const secrets = buildSecretStore(config, env);
  const configured = await configuredVendors(config, secrets);
  const container = buildAwsContainer({
    config,
    env,
    logger,
    configured,
    dynamoDb: new DynamoDBClient({
      region: config.AWS_REGION,
      maxAttempts: 3,
      // DynamoDB Local keeps one database per access key: the same as start:aws-local's.
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT, credentials: LOCAL_CLIENT_CONFIG.credentials } : {}),
    }),
  });
  if (!hasJobs(container)) return usage('jobs are not configured.');
  const worker = container.get<JobWorker>(TOKENS.JobWorker);
  worker.start();
  logger.info('worker started', { queue: queue.kind, concurrency: config.JOBS_WORKER_CONCURRENCY, pid: process.pid });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('worker stopping', { signal, processed: worker.processed });
    setTimeout(() => process.exit(1), 30_000).unref();
    void worker
      .stop()
      .then(() => container.get<RedisHandle>(TOKENS.Redis).close())
      .then(() => {
        logger.info('worker stopped', { processed: worker.processed });
        logger.flush();
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function usage(problem: string): void {
  process.stderr.write(`worker: ${problem}\n\n${USAGE}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `worker start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
