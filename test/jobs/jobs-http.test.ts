import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SayingRepo } from '../../src/ports/saying-repo';
import type { UsageLedger } from '../../src/ports/usage-ledger';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { normalizeText } from '../../src/domain/sayings/saying';
import { startHarness, type Harness } from '../support/local-harness';
import { waitForJob } from './support';

function expectError(body: unknown, code: string, path?: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }) });
  if (path !== undefined) expect((body as { error: { details?: { path: string }[] } }).error.details?.map((d) => d.path)).toContain(path);
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

describe('POST /jobs and GET /jobs/{id} on the local server (in-memory queue, in-process worker)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => h.close());

  it('a generate job runs to the end: exact progress, stored sayings with deterministic ids, usage on the jobs channel', async () => {
    const res = await h.http.post('/jobs').send({ type: 'generate', count: 10, models: ['haiku', 'gpt-4.1-mini'] }).expect(202);
    expect(res.body).toEqual({ jobId: expect.any(String), status: expect.any(String), progress: expect.objectContaining({ total: 10 }), location: `/jobs/${res.body.jobId}`, replayed: false });
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.headers.location).toBe(`/jobs/${res.body.jobId}`);
    const job = await waitForJob(h.http, res.body.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toEqual({ done: 10, total: 10, failed: 0, items: { done: 4, total: 4 } });
    expect(job.results.added + job.results.duplicatesDropped).toBeLessThanOrEqual(10);
    expect(job.results.added).toBeGreaterThan(0);
    expect(job.results.offline).toBe(true);
    expect(job.results.tokens).toBe(job.results.inputTokens + job.results.outputTokens);
    expect(job.results.costNano).toBeGreaterThan(0);
    expect(job.errors).toEqual([]);
    const texts = job.results.sayings.map((s) => normalizeText(s.text));
    expect(new Set(texts).size).toBe(texts.length);
    const repo = h.local.container.get<SayingRepo>(TOKENS.SayingRepo);
    for (const s of job.results.sayings) {
      expect(s.sayingId).toMatch(new RegExp(`^job-${job.jobId}-\\d+-\\d+$`));
      expect(await repo.get(s.sayingId)).toMatchObject({ text: s.text, origin: { kind: 'generated', model: s.model } });
    }
    const usage = await h.local.container.get<UsageLedger>(TOKENS.UsageLedger).list({ from: 0, to: Date.now() + 1 });
    const jobCalls = usage.filter((e) => e.channel === 'jobs');
    expect(jobCalls).toHaveLength(4);
    const stats = await h.http.get('/stats').expect(200);
    // Job calls cost money but are no requests anybody waited on.
    expect(stats.body.totals.costNano).toBeGreaterThanOrEqual(job.results.costNano);
    expect(stats.body.totals.requests).toBe(usage.filter((e) => e.channel !== 'jobs' && e.channel !== 'sayings-build').length);
  });

  it('an enrich job writes one saying slot per listed service', async () => {
    const services = ['s3', 'lambda', 'dynamodb', 'sqs', 'ec2'];
    const res = await h.http.post('/jobs').send({ type: 'enrich', services }).expect(202);
    const job = await waitForJob(h.http, res.body.jobId);
    expect(job).toMatchObject({ type: 'enrich', status: 'succeeded', request: { count: 5, services }, progress: { done: 5, total: 5 } });
    for (const s of job.results.sayings) expect(services).toContain(s.serviceId);
  });

  describe('Idempotency-Key', () => {
    // The jobs before these have finished (each test waits for its own), so new model calls are this test's.
    const jobCalls = async () => (await h.local.container.get<UsageLedger>(TOKENS.UsageLedger).list({ from: 0, to: Date.now() + 1 })).filter((e) => e.channel === 'jobs').length;

    it('a retry with the same key and body gets the first job back, and nothing is stored or queued twice', async () => {
      const key = `retry-${process.pid}-${Date.now()}`;
      const body = { type: 'generate', count: 6, models: ['haiku'] };
      const callsBefore = await jobCalls();
      const first = await h.http.post('/jobs').set('Idempotency-Key', key).send(body).expect(202);
      expect(first.body.replayed).toBe(false);
      // The same fields in another order are the same request.
      const again = await h.http.post('/jobs').set('Idempotency-Key', key).send({ models: ['haiku'], count: 6, type: 'generate' }).expect(202);
      expect(again.body).toMatchObject({ jobId: first.body.jobId, location: `/jobs/${first.body.jobId}`, replayed: true });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.location).toBe(`/jobs/${first.body.jobId}`);
      const job = await waitForJob(h.http, first.body.jobId);
      expect(job.progress).toEqual({ done: 6, total: 6, failed: 0, items: { done: 2, total: 2 } });
      const late = await h.http.post('/jobs').set('Idempotency-Key', key).send(body).expect(202);
      expect(late.body).toMatchObject({ jobId: first.body.jobId, status: 'succeeded', replayed: true });
      // Two items, two model calls: the retries made none.
      expect((await jobCalls()) - callsBefore).toBe(2);
    });

    it('racing retries of one request make one job: one of them stores it, every one names it', async () => {
      const key = `race-${process.pid}-${Date.now()}`;
      const callsBefore = await jobCalls();
      const answers = await Promise.all(Array.from({ length: 8 }, () => h.http.post('/jobs').set('Idempotency-Key', key).send({ type: 'enrich', services: ['s3', 'sqs'] })));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
      expect(new Set(answers.map((a) => a.body.jobId)).size).toBe(1);
      expect(answers.filter((a) => a.body.replayed === false)).toHaveLength(1);
      const job = await waitForJob(h.http, answers[0]!.body.jobId);
      expect(job.progress.items).toEqual({ done: 1, total: 1 });
      expect((await jobCalls()) - callsBefore).toBe(1);
    });

    it('the same key with another request → 409 idempotency_key_reused, and the first job is untouched', async () => {
      const key = `reuse-${process.pid}-${Date.now()}`;
      const first = await h.http.post('/jobs').set('Idempotency-Key', key).send({ type: 'generate', count: 3, models: ['haiku'] }).expect(202);
      for (const other of [{ type: 'generate', count: 4, models: ['haiku'] }, { type: 'generate', count: 3 }, { type: 'enrich', services: ['s3'] }]) {
        const res = await h.http.post('/jobs').set('Idempotency-Key', key).send(other).expect(409);
        expectError(res.body, 'idempotency_key_reused');
      }
      expect((await waitForJob(h.http, first.body.jobId)).request.count).toBe(3);
    });

    it('without a key every request is a new job; keys are per request, not per client', async () => {
      const body = { type: 'enrich', services: ['ec2'] };
      const [a, b] = await Promise.all([h.http.post('/jobs').send(body).expect(202), h.http.post('/jobs').send(body).expect(202)]);
      expect(a.body.jobId).not.toBe(b.body.jobId);
      const keyed = await h.http.post('/jobs').set('Idempotency-Key', `k-${Date.now()}`).send(body).expect(202);
      expect([a.body.jobId, b.body.jobId]).not.toContain(keyed.body.jobId);
    });

    it.each([['x'.repeat(129)], ['has a space'], ['tab\there'], ['ünïcode']])('a malformed key %j → 400 invalid_request, no job', async (key) => {
      const res = await h.http.post('/jobs').set('Idempotency-Key', key).send({ type: 'generate', count: 3 }).expect(400);
      expectError(res.body, 'invalid_request');
    });
  });

  describe('bad input', () => {
    it.each([
      [{ type: 'summarise', count: 3 }, 'type'],
      [{ count: 3 }, 'type'],
      [{ type: 'generate' }, 'count'],
      [{ type: 'generate', count: 0 }, 'count'],
      [{ type: 'generate', count: 1001 }, 'count'],
      [{ type: 'generate', count: 2.5 }, 'count'],
      [{ type: 'generate', count: '10' }, 'count'],
      [{ type: 'generate', count: 3, models: [] }, 'models'],
      [{ type: 'generate', count: 3, models: 'haiku' }, 'models'],
      [{ type: 'generate', count: 3, services: ['S3 bucket'] }, 'services.0'],
      [{ type: 'enrich' }, 'services'],
      [{ type: 'generate', count: 3, colour: 'blue' }, 'job'],
    ])('%j → 400 invalid_request naming %s', async (body, path) => {
      const res = await h.http.post('/jobs').send(body).expect(400);
      expectError(res.body, 'invalid_request', path);
    });

    it('an unknown model → 400 unknown_model listing the catalog keys', async () => {
      const res = await h.http.post('/jobs').send({ type: 'generate', count: 3, models: ['haiku', 'gpt-5'] }).expect(400);
      expectError(res.body, 'unknown_model', 'models');
      expect(res.body.error.message).toContain('"gpt-5"');
      expect(res.body.error.message).toContain('gpt-4.1-mini');
    });

    it('an unknown service → 400 unknown_service', async () => {
      const res = await h.http.post('/jobs').send({ type: 'enrich', services: ['s3', 'mainframe'] }).expect(400);
      expectError(res.body, 'unknown_service', 'services');
      expect(res.body.error.message).toContain('"mainframe"');
    });

    it('an enrich job whose count disagrees with its services → 400 invalid_job', async () => {
      const res = await h.http.post('/jobs').send({ type: 'enrich', services: ['s3'], count: 4 }).expect(400);
      expectError(res.body, 'invalid_job');
    });

    it('a body over the limit → 413 before it is parsed', async () => {
      const res = await h.http.post('/jobs').set('Content-Type', 'application/json').send(`{"type":"generate","count":3,"pad":"${'x'.repeat(4096)}"}`).expect(413);
      expectError(res.body, 'payload_too_large');
    });

    it('a body over the limit sent without Content-Length (chunked) → 413', async () => {
      const server = http.createServer(h.local.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const { port } = server.address() as AddressInfo;
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/jobs', method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          });
          req.on('error', reject);
          req.write(`{"type":"generate","count":3,"pad":"${'x'.repeat(4096)}`);
          req.end('"}');
        });
        expect(status).toBe(413);
      } finally {
        server.close();
      }
    });

    it('not JSON → 415; broken JSON → 400 invalid_json', async () => {
      expectError((await h.http.post('/jobs').set('Content-Type', 'text/plain').send('count=3').expect(415)).body, 'unsupported_media_type');
      expectError((await h.http.post('/jobs').set('Content-Type', 'application/json').send('{"type":').expect(400)).body, 'invalid_json');
    });

    it('GET /jobs/{id}: an unknown id → 404 job_not_found; something that is no job id → 400', async () => {
      expectError((await h.http.get('/jobs/3f1c1c59-3c6e-4d5e-9a41-0c5f1b2a7e10').expect(404)).body, 'job_not_found');
      expectError((await h.http.get(`/jobs/${'x'.repeat(300)}`).expect(400)).body, 'invalid_request', 'job id');
      expectError((await h.http.get('/jobs/..%2F..%2Fetc').expect(400)).body, 'invalid_request');
    });

    it('other methods → 405 with Allow', async () => {
      const put = await h.http.put('/jobs').send({}).expect(405);
      expect(put.headers.allow).toBe('POST');
      const del = await h.http.delete('/jobs/3f1c1c59-3c6e-4d5e-9a41-0c5f1b2a7e10').expect(405);
      expect(del.headers.allow).toBe('GET');
    });
  });
});

describe("POST /jobs: a client's hourly allowance of sayings", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { JOBS_SAYINGS_PER_CLIENT_HOUR: '1000', OFFLINE_MIN_LATENCY_MS: '0', OFFLINE_MAX_LATENCY_MS: '0' } });
  });
  afterAll(() => h.close());

  it('a job past the allowance → 429 rate_limited with Retry-After, and no job; a keyed retry of an accepted job still answers', async () => {
    const first = await h.http.post('/jobs').set('Idempotency-Key', 'allowance-1').send({ type: 'generate', count: 995, models: ['haiku'] }).expect(202);
    const over = await h.http.post('/jobs').send({ type: 'generate', count: 10, models: ['haiku'] }).expect(429);
    expectError(over.body, 'rate_limited');
    expect(over.body.error.message).toContain('1000 sayings an hour');
    expect(over.body.error.message).toContain('this job asks for 10');
    // 10 sayings at 1,000 an hour, less the 5 still left: 5 × 3.6 s = 18 s, less what refilled between the two requests.
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(15);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(18);
    expect(over.headers.location).toBeUndefined();
    const replay = await h.http.post('/jobs').set('Idempotency-Key', 'allowance-1').send({ type: 'generate', count: 995, models: ['haiku'] }).expect(202);
    expect(replay.body).toMatchObject({ jobId: first.body.jobId, replayed: true });
    await h.http.post('/jobs').send({ type: 'generate', count: 5, models: ['haiku'] }).expect(202);
  });
});

describe('GET / on the local server', () => {
  it('lists the jobs endpoints with the others', async () => {
    const h = await startHarness();
    try {
      const res = await h.http.get('/').expect(200);
      expect(res.body.endpoints).toEqual(expect.arrayContaining(['GET /sayings', 'POST /feedback', 'GET /stats', 'GET /health', 'POST /jobs', 'GET /jobs/{id}']));
    } finally {
      await h.close();
    }
  });
});
