import { InMemoryJobQueue } from '../../src/adapters/memory/in-memory-job-queue';
import { InMemoryJobRepo } from '../../src/adapters/memory/in-memory-job-repo';
import { InMemoryRateLimiter } from '../../src/adapters/memory/in-memory-rate-limiter';
import { MemoryState } from '../../src/adapters/memory/memory-state';
import { CryptoRandomSource } from '../../src/adapters/system/crypto-random-source';
import { QUEUE_GRACE_MS, SubmitJobUseCase, type SubmitJobInput } from '../../src/application/jobs/submit-job.use-case';
import { ModelDirectory } from '../../src/application/sayings/models';
import { ServicePicker } from '../../src/application/sayings/service-picker';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { AWS_SERVICES } from '../../src/domain/services/aws-services';
import { JobQueueError, type JobMessage, type JobQueue } from '../../src/ports/job-queue';
import { ManualClock, silentLogger } from '../contracts/support';
import { SwitchableProvider } from './support';

/*
 * A submission with an Idempotency-Key whose job never reached the queue — the queue refused it (the client got a
 * 503 and retries) or the process died between storing and queueing — is queued by the retry, exactly once.
 */
function setup({ sayingsPerClientHour = 2_000 } = {}) {
  const clock = new ManualClock();
  const random = new CryptoRandomSource();
  const catalog = buildCatalog();
  const provider = new SwitchableProvider();
  const models = new ModelDirectory(catalog, new Map([...catalog.keys()].map((k) => [k, provider])));
  const repo = new InMemoryJobRepo(new MemoryState(), clock);
  const inner = new InMemoryJobQueue({ clock, random, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
  const sent: JobMessage[] = [];
  let down = false;
  /** Items the queue refuses one by one (as SQS's batch answers per entry). */
  const refusedItems = new Set<number>();
  const queue = {
    send: async (messages: readonly JobMessage[]) => {
      if (down) throw new JobQueueError('SQS SendMessageBatch failed (ServiceUnavailable)');
      const taken = messages.filter((m) => !refusedItems.has(m.item));
      sent.push(...taken);
      await inner.send(taken);
      return { failed: messages.flatMap((m, at) => (refusedItems.has(m.item) ? [at] : [])) };
    },
  } as unknown as JobQueue;
  const submit = new SubmitJobUseCase(models, AWS_SERVICES, new ServicePicker(AWS_SERVICES, 24, random), repo, queue, silentLogger, clock, random, new InMemoryRateLimiter(clock), {
    ttlMs: 86_400_000,
    sayingsPerClientHour,
  });
  return { clock, repo, submit, sent, refusedItems, setDown: (v: boolean) => (down = v) };
}

const request = (key: string | undefined): SubmitJobInput => ({ type: 'generate', count: 9, models: ['haiku'], services: ['s3', 'sqs', 'ec2'], idempotencyKey: key });

describe('SubmitJobUseCase with an Idempotency-Key', () => {
  it('a refused queue leaves the keyed job pending (503 to the caller); the retry after the grace queues it once', async () => {
    const t = setup();
    t.setDown(true);
    const first = await t.submit.execute(request('k-refused'));
    expect(first).toMatchObject({ ok: false, error: { code: 'queue_unavailable' } });
    t.setDown(false);
    // Too soon: the first request could still be queueing it itself.
    t.clock.advance(QUEUE_GRACE_MS - 1);
    const early = await t.submit.execute(request('k-refused'));
    expect(early).toMatchObject({ ok: true, value: { replayed: true, job: { status: 'queued' } } });
    expect(t.sent).toHaveLength(0);
    t.clock.advance(1);
    const retry = await t.submit.execute(request('k-refused'));
    expect(retry.ok && retry.value.replayed).toBe(true);
    expect(t.sent.map((m) => m.item)).toEqual([0, 1, 2]);
    const jobId = retry.ok ? retry.value.job.jobId : '';
    expect((await t.repo.get(jobId))?.header.queuedAt).toBe(t.clock.now());
    expect((await t.repo.get(jobId))?.items.map((i) => i.status)).toEqual(['pending', 'pending', 'pending']);
    // Queued now: later retries only report it.
    t.clock.advance(60_000);
    await t.submit.execute(request('k-refused'));
    expect(t.sent).toHaveLength(3);
  });

  it('the retry answers 503 again while the queue is still down, and changes nothing', async () => {
    const t = setup();
    t.setDown(true);
    await t.submit.execute(request('k-down'));
    t.clock.advance(QUEUE_GRACE_MS);
    await expect(t.submit.execute(request('k-down'))).resolves.toMatchObject({ ok: false, error: { code: 'queue_unavailable' } });
    t.setDown(false);
    const ok = await t.submit.execute(request('k-down'));
    expect(ok.ok && ok.value.job.status).toBe('queued');
    expect(t.sent).toHaveLength(3);
  });

  it('a job stored but never queued (the process died in between) is queued by the retry', async () => {
    const t = setup();
    const first = await t.submit.execute(request('k-crash'));
    const jobId = first.ok ? first.value.job.jobId : '';
    // As if the process had died before queueing: the stored job without the mark, and nothing sent.
    const stored = (await t.repo.get(jobId))!;
    const fresh = setup();
    await fresh.repo.create({ header: { ...stored.header, queuedAt: undefined }, items: stored.items });
    fresh.clock.advance(QUEUE_GRACE_MS);
    const retry = await fresh.submit.execute(request('k-crash'));
    expect(retry).toMatchObject({ ok: true, value: { replayed: true, job: { jobId } } });
    expect(fresh.sent.map((m) => m.jobId)).toEqual([jobId, jobId, jobId]);
  });

  it('a retry that queues only the pending items fails the ones the queue refused, not others at the same position', async () => {
    const t = setup();
    const first = await t.submit.execute(request('k-partial'));
    const stored = (await t.repo.get(first.ok ? first.value.job.jobId : ''))!;
    // Stored, never queued, item 0 already failed: the retry sends items 1 and 2, and the queue refuses item 1.
    const fresh = setup();
    const header = { ...stored.header, queuedAt: undefined };
    await fresh.repo.create({ header, items: stored.items });
    await fresh.repo.settle(header.id, 0, { status: 'failed', at: 1, error: { code: 'enqueue_failed', message: 'refused', attempt: 0, at: 1, final: true } });
    fresh.refusedItems.add(1);
    fresh.clock.advance(QUEUE_GRACE_MS);
    await expect(fresh.submit.execute(request('k-partial'))).resolves.toMatchObject({ ok: true, value: { replayed: true } });
    expect(fresh.sent.map((m) => m.item)).toEqual([2]);
    expect((await fresh.repo.get(header.id))?.items.map((i) => i.status)).toEqual(['failed', 'failed', 'pending']);
  });

  it('without a key a refused queue fails the job, so it ends (nobody could name it again)', async () => {
    const t = setup();
    t.setDown(true);
    await expect(t.submit.execute(request(undefined))).resolves.toMatchObject({ ok: false, error: { code: 'queue_unavailable' } });
  });
});

describe("SubmitJobUseCase: a client's hourly allowance of sayings", () => {
  const asking = (count: number, clientId: string | undefined, key?: string): SubmitJobInput => ({ type: 'generate', count, models: ['haiku'], services: ['s3'], idempotencyKey: key, clientId });

  it('takes every saying a new job asks for, refuses the job that would pass the allowance, and refills over the hour', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    await expect(t.submit.execute(asking(600, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    const refused = await t.submit.execute(asking(500, '203.0.113.7'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (refused.ok || refused.error.code !== 'rate_limited') throw new Error('expected rate_limited');
    expect(refused.error.message).toBe('This client may ask for 1000 sayings an hour over all its jobs, and 400 are left; this job asks for 500. Try again later or ask for fewer.');
    // 100 more sayings come back in 6 minutes (1,000 an hour).
    expect(refused.error.retryAfterMs).toBe(360_000);
    expect(t.sent.length).toBe(200);
    // Nothing of the refused job was stored or queued; a smaller one still fits, and another client is apart.
    await expect(t.submit.execute(asking(400, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    await expect(t.submit.execute(asking(1_000, '198.51.100.2'))).resolves.toMatchObject({ ok: true });
    t.clock.advance(360_000);
    await expect(t.submit.execute(asking(100, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    await expect(t.submit.execute(asking(1, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('a replayed submission takes nothing; a submission without a client (operator tools) is not counted', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    const first = await t.submit.execute(asking(900, '203.0.113.7', 'k-allowance'));
    for (let i = 0; i < 5; i++) await expect(t.submit.execute(asking(900, '203.0.113.7', 'k-allowance'))).resolves.toMatchObject({ ok: true, value: { replayed: true } });
    expect(first.ok && first.value.replayed).toBe(false);
    await expect(t.submit.execute(asking(100, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++) await expect(t.submit.execute(asking(1_000, undefined))).resolves.toMatchObject({ ok: true });
  });

  it('gives back what a keyless job the queue refused took: it was failed, nothing will be made', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    t.setDown(true);
    for (let i = 0; i < 3; i++) await expect(t.submit.execute(asking(1_000, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'queue_unavailable' } });
    t.setDown(false);
    await expect(t.submit.execute(asking(1_000, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    await expect(t.submit.execute(asking(1, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('keeps what a keyed job the queue refused took: it stays pending, and its retry queues it for nothing more', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    t.setDown(true);
    await expect(t.submit.execute(asking(1_000, '203.0.113.7', 'k-keeps'))).resolves.toMatchObject({ ok: false, error: { code: 'queue_unavailable' } });
    t.setDown(false);
    await expect(t.submit.execute(asking(1, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    t.clock.advance(QUEUE_GRACE_MS);
    await expect(t.submit.execute(asking(1_000, '203.0.113.7', 'k-keeps'))).resolves.toMatchObject({ ok: true, value: { replayed: true } });
    // Items of 3 sayings: 334 for 1,000.
    expect(t.sent).toHaveLength(334);
  });

  it('gives back the sayings of the items the queue refused, and fails exactly those', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    // 9 sayings in items of 3 (s3, sqs, ec2): items 1 and 2 refused, 6 sayings back.
    for (const i of [1, 2]) t.refusedItems.add(i);
    const first = await t.submit.execute({ ...request(undefined), count: 9, clientId: '203.0.113.7' });
    expect(first.ok).toBe(true);
    const jobId = first.ok ? first.value.job.jobId : '';
    expect((await t.repo.get(jobId))?.items.map((i) => i.status)).toEqual(['pending', 'failed', 'failed']);
    t.refusedItems.clear();
    await expect(t.submit.execute(asking(997, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    await expect(t.submit.execute(asking(1, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('a racing first submission of the same key that finds the job stored gives back what it took, and replays', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    const both = await Promise.all([t.submit.execute(asking(400, '203.0.113.7', 'k-race')), t.submit.execute(asking(400, '203.0.113.7', 'k-race'))]);
    expect(both.map((r) => r.ok && r.value.replayed).sort()).toEqual([false, true]);
    await expect(t.submit.execute(asking(600, '203.0.113.7'))).resolves.toMatchObject({ ok: true });
    await expect(t.submit.execute(asking(1, '203.0.113.7'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('a racing twin refused by the allowance its twin took replays the job the twin stored, instead of a 429', async () => {
    const t = setup({ sayingsPerClientHour: 1_000 });
    const both = await Promise.all([t.submit.execute(asking(800, '203.0.113.7', 'k-twin')), t.submit.execute(asking(800, '203.0.113.7', 'k-twin'))]);
    expect(both.map((r) => r.ok)).toEqual([true, true]);
    expect(both.map((r) => r.ok && r.value.replayed).sort()).toEqual([false, true]);
    // A different request past the allowance is still refused.
    await expect(t.submit.execute(asking(800, '203.0.113.7', 'k-other'))).resolves.toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('refuses an allowance smaller than the largest job, which could never be submitted', () => {
    expect(() => setup({ sayingsPerClientHour: 999 })).toThrow('sayingsPerClientHour must be at least 1000, the largest job');
  });
});
