import type { JobQueue } from '../../src/ports/job-queue';
import type { SayingRepo } from '../../src/ports/saying-repo';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startHarness, type Harness } from '../support/local-harness';
import { SwitchableProvider, waitForJob, withProvider } from './support';

/*
 * A poison job on the local server: every call to its model fails, so each item is retried with backoff until
 * its message has been delivered JOBS_MAX_RECEIVE_COUNT times, then lands in the DLQ with its error on the job.
 * Once the model works again, a redrive puts the messages back and the job finishes.
 */
describe('a poison job', () => {
  let h: Harness;
  const provider = new SwitchableProvider();
  beforeAll(async () => {
    h = await startHarness({
      env: { JOBS_MAX_RECEIVE_COUNT: '3', JOBS_RETRY_BASE_MS: '2', JOBS_RETRY_CAP_MS: '10', JOBS_POLL_WAIT_MS: '20' },
      configure: withProvider('haiku', provider),
    });
  });
  afterAll(() => h.close());

  it('lands in the DLQ after maxReceiveCount deliveries with its error recorded; a redrive finishes it', async () => {
    provider.broken = true;
    const queue = h.local.container.get<JobQueue>(TOKENS.JobQueue);
    const res = await h.http.post('/jobs').send({ type: 'generate', count: 6, models: ['haiku'] }).expect(202);
    const failed = await waitForJob(h.http, res.body.jobId);
    expect(failed.status).toBe('failed');
    expect(failed.progress).toEqual({ done: 6, total: 6, failed: 6, items: { done: 2, total: 2 } });
    expect(failed.errors).toEqual([0, 1].map((item) => ({ item, code: 'provider_unavailable', message: expect.stringContaining('the model is down'), attempt: 3, at: expect.any(Number), final: true })));
    expect(failed.results.added).toBe(0);
    // Three deliveries per item, each one call: retried, with backoff, never more than maxReceiveCount.
    expect(provider.calls).toBe(6);
    await waitUntil(async () => (await queue.depth()).deadLetters === 2);
    const dead = await queue.listDeadLetters(10);
    // By item: the DLQ keeps no order between the two, and sort() on [object, n] pairs compares "[object Object],3".
    const byItem = [...dead.messages].sort((a, b) => (a.message as { item: number }).item - (b.message as { item: number }).item);
    expect(byItem.map((m) => [m.message, m.receiveCount])).toEqual([
      [{ jobId: res.body.jobId, item: 0 }, 3],
      [{ jobId: res.body.jobId, item: 1 }, 3],
    ]);
    expect(await queue.depth()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 2 });

    provider.broken = false;
    expect(await queue.redrive()).toEqual({ kind: 'moved', moved: 2 });
    const done = await waitForJob(h.http, res.body.jobId, (j) => j.status === 'succeeded');
    expect(done.progress).toEqual({ done: 6, total: 6, failed: 0, items: { done: 2, total: 2 } });
    expect(done.errors).toEqual([]);
    expect(done.results.added).toBeGreaterThan(0);
    const repo = h.local.container.get<SayingRepo>(TOKENS.SayingRepo);
    for (const s of done.results.sayings) expect(await repo.get(s.sayingId)).toBeDefined();
    expect(provider.calls).toBe(8);
  });

  it('an error that cannot succeed on retry (auth) is given up at once and its message burns down to the DLQ', async () => {
    provider.broken = true;
    provider.kind = 'auth';
    provider.calls = 0;
    const queue = h.local.container.get<JobQueue>(TOKENS.JobQueue);
    const before = (await queue.depth()).deadLetters;
    const res = await h.http.post('/jobs').send({ type: 'generate', count: 3, models: ['haiku'] }).expect(202);
    const job = await waitForJob(h.http, res.body.jobId);
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([expect.objectContaining({ code: 'provider_auth', attempt: 1, final: true })]);
    await waitUntil(async () => (await queue.depth()).deadLetters === before + 1);
    // Only the first delivery called the model; the others were spent without work.
    expect(provider.calls).toBe(1);
    provider.broken = false;
    provider.kind = 'unavailable';
  });

  it('an unreadable message and a message for an unknown job end in the DLQ without crashing the worker', async () => {
    const queue = h.local.container.get<JobQueue>(TOKENS.JobQueue) as JobQueue & { sendRaw(body: string): void };
    const before = (await queue.depth()).deadLetters;
    queue.sendRaw('definitely not json');
    await queue.send([{ jobId: '3f1c1c59-3c6e-4d5e-9a41-0c5f1b2a7e10', item: 0 }]);
    await waitUntil(async () => (await queue.depth()).deadLetters === before + 2);
    const res = await h.http.post('/jobs').send({ type: 'generate', count: 2 }).expect(202);
    expect((await waitForJob(h.http, res.body.jobId)).status).toBe('succeeded');
  });
});

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
