import { tableNames } from '../../src/adapters/aws/dynamodb/table-design';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Redis } from 'ioredis';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { COLLECTION_ENTRIES } from '../../src/adapters/collection/collection-entries';
import { createRedisClient } from '../../src/adapters/redis/redis-client';
import type { GetJobUseCase } from '../../src/application/jobs/get-job.use-case';
import type { SubmitJobUseCase } from '../../src/application/jobs/submit-job.use-case';
import type { SeedCollectionUseCase } from '../../src/application/seed-collection/seed-collection.use-case';
import { normalizeText } from '../../src/domain/sayings/saying';
import type { JobSummary } from '../../src/domain/jobs/summary';
import { loadAwsConfig } from '../../src/entrypoints/config/app-config';
import { buildAwsContainer } from '../../src/entrypoints/container/aws-container';
import type { RedisHandle } from '../../src/entrypoints/container/cache-and-limits';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { JobQueue } from '../../src/ports/job-queue';
import type { JobRepo } from '../../src/ports/job-repo';
import { silentLogger } from '../contracts/support';
import { LOCAL_CLIENT_CONFIG, localClient, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { deleteKeys, PATIENT_REDIS, SHARED_REDIS_URL, whenReady } from '../support/redis-server';

/*
 * The standalone worker (`npm run worker`, bundled as it ships) is SIGKILLed in the middle of a job and started
 * again. State is shared the production way: DynamoDB (AWS's DynamoDB Local) for jobs and sayings, the real Redis
 * for the queue. The job must finish with every item done once: exact progress, no saying stored twice, no two
 * sayings alike, the interrupted items redelivered after the visibility timeout.
 */
const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

let local: DynamoDbLocal;
let work: string;
let redis: Redis;
const queueName = `kill-${process.pid}-${Date.now().toString(36)}`;
const tables = tableNames(`kill-${process.pid}`);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cs-worker-kill-'));
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, env: { ...process.env, BUILD_OUTDIR: work }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  local = await startDynamoDbLocal();
  await ensureTables(local.client, tables);
  redis = createRedisClient(SHARED_REDIS_URL, { commandTimeoutMs: 2_000 });
  await whenReady(redis);
}, 600_000);

afterAll(async () => {
  await deleteKeys(redis, `cs:dev:jobq:{${queueName}}:`);
  await redis.quit();
  await local?.stop();
  rmSync(work, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  APP_ENV: 'dev',
  CONFIG_SOURCE: 'env',
  SECRETS_SOURCE: 'env',
  AWS_REGION: LOCAL_CLIENT_CONFIG.region,
  AWS_ACCESS_KEY_ID: LOCAL_CLIENT_CONFIG.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CLIENT_CONFIG.credentials.secretAccessKey,
  DYNAMODB_ENDPOINT: local.endpoint,
  SAYINGS_TABLE: tables.sayings,
  FEEDBACK_TABLE: tables.feedback,
  USAGE_TABLE: tables.usage,
  JOBS_TABLE: tables.jobs,
  SESSIONS_TABLE: tables.sessions,
  API_KEYS_TABLE: tables.apiKeys,
  REDIS_URL: SHARED_REDIS_URL,
  ...PATIENT_REDIS,
  JOBS_QUEUE: 'redis',
  JOBS_QUEUE_NAME: queueName,
  JOBS_VISIBILITY_TIMEOUT_MS: '1500',
  JOBS_WORKER_CONCURRENCY: '2',
  JOBS_POLL_WAIT_MS: '100',
  OFFLINE_MIN_LATENCY_MS: '120',
  OFFLINE_MAX_LATENCY_MS: '250',
  LOG_LEVEL: 'info',
});

function startWorker(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(work, 'local', 'worker.js')], { env: { PATH: process.env.PATH ?? '', ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('a worker process killed mid-job', () => {
  it('finishes the job after a restart: exact progress, every saying stored once, none alike', async () => {
    const config = loadAwsConfig({}, env());
    const container = buildAwsContainer({ config, env: env(), logger: silentLogger, dynamoDb: localClient(local), configured: { openai: false, anthropic: false } });
    let first: ReturnType<typeof startWorker> | undefined;
    let second: ReturnType<typeof startWorker> | undefined;
    try {
      await container.get<SeedCollectionUseCase>(TOKENS.SeedCollection).execute(COLLECTION_ENTRIES, Date.now());
      const submitted = await container.get<SubmitJobUseCase>(TOKENS.SubmitJob).execute({ type: 'generate', count: 60, models: undefined, services: undefined });
      if (!submitted.ok) throw new Error(submitted.error.message);
      const jobId = submitted.value.job.jobId;
      const getJob = container.get<GetJobUseCase>(TOKENS.GetJob);
      const repo = container.get<JobRepo>(TOKENS.JobRepo);
      const read = async (): Promise<JobSummary> => (await getJob.execute(jobId)) as JobSummary;

      first = startWorker();
      while ((await read()).progress.done < 12) {
        if (first.child.exitCode !== null) throw new Error(`worker exited early: ${first.output()}`);
        await sleep(25);
      }
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      const atKill = await repo.get(jobId);
      const interrupted = atKill?.items.filter((i) => i.status === 'pending' && i.attempts > 0).map((i) => i.index) ?? [];
      // The kill caught items between their start and their end: work the queue must hand out again.
      expect(interrupted.length).toBeGreaterThan(0);
      expect((await read()).progress.done).toBeLessThan(60);

      second = startWorker();
      let job = await read();
      while (job.progress.done < job.progress.total) {
        if (second.child.exitCode !== null) throw new Error(`restarted worker exited: ${second.output()}`);
        await sleep(50);
        job = await read();
      }
      expect(job.status).toBe('succeeded');
      expect(job.progress).toEqual({ done: 60, total: 60, failed: 0, items: { done: 20, total: 20 } });
      const finished = await repo.get(jobId);
      // The interrupted items were delivered again (after the visibility timeout) and counted once.
      for (const index of interrupted) expect(finished?.items[index]?.attempts).toBeGreaterThanOrEqual(2);

      const texts = job.results.sayings.map((s) => normalizeText(s.text));
      expect(new Set(texts).size).toBe(texts.length);
      const scan = await local.client.send(
        new ScanCommand({ TableName: tables.sayings, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': { S: `job-${jobId}-` } } }),
      );
      const stored = (scan.Items ?? []).map((i) => i.pk?.S ?? '');
      expect(stored.sort()).toEqual(job.results.sayings.map((s) => s.sayingId).sort());
      expect(job.results.added + job.results.duplicatesDropped).toBeLessThanOrEqual(60);

      const queue = container.get<JobQueue>(TOKENS.JobQueue);
      await expect(queue.depth()).resolves.toEqual({ waiting: 0, inFlight: 0, deadLetters: 0 });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('worker stopped');
    } finally {
      for (const w of [first, second]) if (w && w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await container.get<RedisHandle>(TOKENS.Redis).close();
    }
  }, 120_000);
});
