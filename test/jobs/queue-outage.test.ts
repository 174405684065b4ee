import { InMemoryJobQueue } from '../../src/adapters/memory/in-memory-job-queue';
import { CryptoRandomSource } from '../../src/adapters/system/crypto-random-source';
import { JobWorker } from '../../src/application/jobs/job-worker';
import type { JobItemProcessor } from '../../src/application/jobs/job-item-processor';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { JobQueueError, type Delivery, type JobQueue } from '../../src/ports/job-queue';
import type { JobRepo } from '../../src/ports/job-repo';
import { ManualClock } from '../contracts/support';
import { captureLogger, startHarness, type CapturedLog } from '../support/local-harness';

/** A queue that is down (every call a JobQueueError) while `down` is set. */
class FlakyQueue implements JobQueue {
  down = true;
  constructor(private readonly inner: JobQueue) {}
  private guard<T>(run: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new JobQueueError('Redis job queue send failed: connection is closed')) : run();
  }
  send: JobQueue['send'] = (m) => this.guard(() => this.inner.send(m));
  receive: JobQueue['receive'] = (o) => this.guard(() => this.inner.receive(o));
  ack: JobQueue['ack'] = (d) => this.guard(() => this.inner.ack(d));
  retry: JobQueue['retry'] = (d, ms) => this.guard(() => this.inner.retry(d, ms));
  listDeadLetters: JobQueue['listDeadLetters'] = (n) => this.guard(() => this.inner.listDeadLetters(n));
  redrive: JobQueue['redrive'] = () => this.guard(() => this.inner.redrive());
  depth: JobQueue['depth'] = () => this.guard(() => this.inner.depth());
}

const memoryQueue = () => new InMemoryJobQueue({ clock: new ManualClock(), random: new CryptoRandomSource(), visibilityTimeoutMs: 60_000, maxReceiveCount: 3 });

describe('the job queue unavailable', () => {
  it('POST /jobs → 503 queue_unavailable with Retry-After, and the stored job reads failed rather than hanging', async () => {
    const queue = new FlakyQueue(memoryQueue());
    const h = await startHarness({ env: { JOBS_WORKER: 'off' }, configure: (c) => void c.rebind(TOKENS.JobQueue).toConstantValue(queue) });
    try {
      const res = await h.http.post('/jobs').send({ type: 'generate', count: 6 }).expect(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.error.code).toBe('queue_unavailable');
      expect(h.logs.some((l) => l.level === 'error' && l.message === 'job not queued')).toBe(true);
      // The job was stored before the queue refused it: its items are failed with the reason, so it has an end.
      const repo = h.local.container.get<JobRepo>(TOKENS.JobRepo);
      const logged = h.logs.find((l) => l.message === 'job not queued');
      const job = await repo.get(String(logged?.fields?.jobId));
      expect(job?.items.map((i) => [i.status, i.lastError?.code])).toEqual([
        ['failed', 'enqueue_failed'],
        ['failed', 'enqueue_failed'],
      ]);
    } finally {
      await h.close();
    }
  });

  it('a worker whose receives fail logs it once, keeps trying with backoff, and carries on when the queue is back', async () => {
    const inner = memoryQueue();
    const queue = new FlakyQueue(inner);
    const logs: CapturedLog[] = [];
    const handled: Delivery[] = [];
    const processor = { process: (d: Delivery) => (handled.push(d), Promise.resolve({ kind: 'done', reason: 'succeeded' })) } as unknown as JobItemProcessor;
    const worker = new JobWorker(queue, processor, captureLogger(logs), { concurrency: 2, pollWaitMs: 10, errorBackoffMs: 5 });
    worker.start();
    try {
      while (logs.filter((l) => l.message === 'job queue receive failed; retrying').length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 100));
      expect(logs.filter((l) => l.message === 'job queue receive failed; retrying')).toHaveLength(1);
      queue.down = false;
      await inner.send([{ jobId: 'j', item: 0 }, { jobId: 'j', item: 1 }]);
      while (handled.length < 2) await new Promise((r) => setTimeout(r, 5));
      expect(logs.some((l) => l.message === 'job queue reachable again')).toBe(true);
      await worker.drained();
      expect(await inner.depth()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 0 });
    } finally {
      await worker.stop();
    }
  });
});
