import { tableNames } from '../../src/adapters/aws/dynamodb/table-design';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import type { JobSummary } from '../../src/domain/jobs/summary';
import { loadAwsConfig } from '../../src/entrypoints/config/app-config';
import { buildAwsContainer } from '../../src/entrypoints/container/aws-container';
import type { RedisHandle } from '../../src/entrypoints/container/cache-and-limits';
import { resolveRoutes } from '../../src/entrypoints/container/routes';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { JobWorker } from '../../src/application/jobs/job-worker';
import { routeAt, routeHandler } from '../../src/entrypoints/lambda/api-gateway';
import type { AwsRuntime } from '../../src/entrypoints/lambda/aws-runtime';
import type { MetricsSink } from '../../src/ports/metrics-sink';
import { silentLogger } from '../contracts/support';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

/*
 * The jobs routes through the Lambda door (API Gateway payload v2, path parameters) on the aws profile's container
 * over DynamoDB Local; the queue is the in-process one, so that a worker in this process can finish the job.
 */
let local: DynamoDbLocal;
const tables = tableNames(`lr-${process.pid}`);
beforeAll(async () => {
  local = await startDynamoDbLocal();
  await ensureTables(local.client, tables);
}, 600_000);
afterAll(() => local?.stop());

function event(method: string, routePath: string, rawPath: string, body?: string, pathParameters?: Record<string, string>, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: { http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' }, requestId: 'req-1' } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    ...(pathParameters ? { pathParameters } : {}),
  };
}

describe('POST /jobs and GET /jobs/{id} on Lambda (aws profile, DynamoDB Local)', () => {
  it('submits, is found by its path parameter, and answers bad input in the API’s error shape', async () => {
    const env = {
      SAYINGS_TABLE: tables.sayings, FEEDBACK_TABLE: tables.feedback, USAGE_TABLE: tables.usage, JOBS_TABLE: tables.jobs, SESSIONS_TABLE: tables.sessions, API_KEYS_TABLE: tables.apiKeys,
      SECRETS_SOURCE: 'env', JOBS_QUEUE: 'memory', OFFLINE_MIN_LATENCY_MS: '0', OFFLINE_MAX_LATENCY_MS: '5', JOBS_POLL_WAIT_MS: '20',
    };
    const config = loadAwsConfig({}, env);
    const container = buildAwsContainer({ config, env, logger: silentLogger, dynamoDb: localClient(local), configured: { openai: false, anthropic: false } });
    const metrics = container.get<MetricsSink>(TOKENS.MetricsSink);
    const runtime = () => Promise.resolve({ config, routes: resolveRoutes(container), logger: silentLogger, metrics, container } as unknown as AwsRuntime);
    const submit = routeHandler(routeAt('POST', '/jobs'), runtime);
    const get = routeHandler(routeAt('GET', '/jobs/{id}'), runtime);
    const worker = container.get<JobWorker>(TOKENS.JobWorker);
    worker.start();
    try {
      const created = await submit(event('POST', '/jobs', '/jobs', JSON.stringify({ type: 'enrich', services: ['s3', 'lambda', 'sqs', 'ec2'] })));
      expect(created.statusCode).toBe(202);
      const { jobId } = JSON.parse(created.body ?? '{}') as { jobId: string };
      expect(created.headers?.Location).toBe(`/jobs/${jobId}`);
      let job: JobSummary;
      do {
        const res = await get(event('GET', '/jobs/{id}', `/jobs/${jobId}`, undefined, { id: jobId }));
        expect(res.statusCode).toBe(200);
        job = JSON.parse(res.body ?? '{}') as JobSummary;
      } while (job.status !== 'succeeded' && (await new Promise((r) => setTimeout(r, 20)), true));
      expect(job.progress).toEqual({ done: 4, total: 4, failed: 0, items: { done: 2, total: 2 } });

      const missing = await get(event('GET', '/jobs/{id}', '/jobs/3f1c1c59-3c6e-4d5e-9a41-0c5f1b2a7e10', undefined, { id: '3f1c1c59-3c6e-4d5e-9a41-0c5f1b2a7e10' }));
      expect(missing.statusCode).toBe(404);
      expect(JSON.parse(missing.body ?? '{}')).toEqual({ error: expect.objectContaining({ code: 'job_not_found' }) });
      const bad = await submit(event('POST', '/jobs', '/jobs', JSON.stringify({ type: 'generate', count: 5000 })));
      expect(bad.statusCode).toBe(400);
      expect(JSON.parse(bad.body ?? '{}').error.details).toEqual([expect.objectContaining({ path: 'count' })]);
      const big = await submit(event('POST', '/jobs', '/jobs', JSON.stringify({ type: 'generate', count: 3, pad: 'x'.repeat(70_000) })));
      expect(big.statusCode).toBe(413);

      // A retried submission (same Idempotency-Key, same body) on DynamoDB: the first job again, nothing queued twice.
      const keyed = (body: object) => submit(event('POST', '/jobs', '/jobs', JSON.stringify(body), undefined, { 'idempotency-key': `lambda-${process.pid}-${Date.now()}` }));
      const headers = { 'idempotency-key': `lambda-retry-${process.pid}-${Date.now()}` };
      const body = JSON.stringify({ type: 'enrich', services: ['s3', 'dynamodb'] });
      const tries = await Promise.all([0, 1, 2].map(() => submit(event('POST', '/jobs', '/jobs', body, undefined, headers))));
      expect(tries.map((t) => t.statusCode)).toEqual([202, 202, 202]);
      const answers = tries.map((t) => JSON.parse(t.body ?? '{}') as { jobId: string; replayed: boolean });
      expect(new Set(answers.map((a) => a.jobId)).size).toBe(1);
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect(tries.filter((t) => t.headers?.['Idempotent-Replayed'] === 'true')).toHaveLength(2);
      const reused = await submit(event('POST', '/jobs', '/jobs', JSON.stringify({ type: 'enrich', services: ['s3'] }), undefined, headers));
      expect(reused.statusCode).toBe(409);
      expect(JSON.parse(reused.body ?? '{}').error.code).toBe('idempotency_key_reused');
      expect((await keyed({ type: 'enrich', services: ['sqs'] })).statusCode).toBe(202);
    } finally {
      await worker.stop();
      await container.get<RedisHandle>(TOKENS.Redis).close();
    }
  }, 60_000);
});
