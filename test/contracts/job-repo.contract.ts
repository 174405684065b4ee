import { newItem, type ItemGeneration, type Job } from '../../src/domain/jobs/job';
import type { JobRepo } from '../../src/ports/job-repo';
import type { ManualClock } from './support';

export interface JobRepoHarness {
  readonly repo: JobRepo;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

let seq = 0;
export function makeJob(items: number, now: number, overrides: Partial<Job['header']> = {}): Job {
  const id = `00000000-0000-4000-8000-${String(process.pid % 100_000).padStart(5, '0')}${String(++seq).padStart(7, '0')}`;
  return {
    header: {
      id,
      request: { type: 'generate', count: items * 3, models: ['haiku', 'gpt-4.1'], services: ['s3', 'lambda', 'ec2'] },
      createdAt: now,
      itemCount: items,
      expiresAt: now + 86_400_000,
      ...overrides,
    },
    items: Array.from({ length: items }, (_, i) => newItem(i, i % 2 === 0 ? 'haiku' : 'gpt-4.1', ['s3', 'lambda', 'ec2'], now)),
  };
}

export function makeGeneration(jobId: string, index: number, at: number, text = 'S3 keeps every object, even the ones you forgot.'): ItemGeneration {
  return {
    texts: [
      { sayingId: `job-${jobId}-${index}-0`, text, serviceId: 's3', duplicate: false },
      { sayingId: `job-${jobId}-${index}-1`, text: 'Lambda runs your code and bills you by the blink.', serviceId: 'lambda', duplicate: true },
    ],
    vendor: 'anthropic',
    model: 'haiku',
    provider: 'offline',
    offline: true,
    inputTokens: 120,
    outputTokens: 45,
    costNano: 412_500,
    estimated: false,
    llmTimeMs: 312.5,
    at,
  };
}

/** The JobRepo contract; `make` returns an empty repo each time. */
export function jobRepoContract(name: string, make: () => Promise<JobRepoHarness>): void {
  describe(`JobRepo contract: ${name}`, () => {
    let h: JobRepoHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('knows no job it was not given', async () => {
      await expect(h.repo.get('00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
      await expect(h.repo.getItem('00000000-0000-4000-8000-000000000000', 0)).resolves.toBeUndefined();
      await expect(h.repo.beginAttempt('00000000-0000-4000-8000-000000000000', 0, 1)).resolves.toBeUndefined();
    });

    it('stores a job and reads it whole, items in index order (more items than one write batch)', async () => {
      const job = makeJob(30, h.clock.now());
      await expect(h.repo.create(job)).resolves.toBe('created');
      await expect(h.repo.get(job.header.id)).resolves.toEqual(job);
      await expect(h.repo.getItem(job.header.id, 29)).resolves.toEqual(job.items[29]);
    });

    it('creating an id that exists answers exists and changes nothing: not the header, not an item, not progress', async () => {
      const job = makeJob(30, h.clock.now(), { requestFingerprint: 'a'.repeat(64) });
      await expect(h.repo.create(job)).resolves.toBe('created');
      const id = job.header.id;
      await h.repo.beginAttempt(id, 0, 10);
      await h.repo.keepGeneration(id, 0, makeGeneration(id, 0, 11));
      await h.repo.settle(id, 0, { status: 'succeeded', at: 12 });
      await h.repo.beginAttempt(id, 29, 13);
      const before = await h.repo.get(id);
      expect(before?.header.requestFingerprint).toBe('a'.repeat(64));
      const retry: Job = {
        header: { ...job.header, createdAt: job.header.createdAt + 5, request: { ...job.header.request, services: ['sqs'] }, requestFingerprint: 'b'.repeat(64) },
        items: job.items.map((i) => ({ ...i, serviceIds: ['sqs'], updatedAt: 99 })),
      };
      await expect(h.repo.create(retry)).resolves.toBe('exists');
      await expect(h.repo.get(id)).resolves.toEqual(before);
    });

    it('notes once when a job was queued; later marks and unknown jobs change nothing', async () => {
      const job = makeJob(2, h.clock.now());
      await h.repo.create(job);
      expect((await h.repo.get(job.header.id))?.header.queuedAt).toBeUndefined();
      await h.repo.markQueued(job.header.id, 10);
      await h.repo.markQueued(job.header.id, 20);
      expect((await h.repo.get(job.header.id))?.header.queuedAt).toBe(10);
      await expect(h.repo.markQueued('00000000-0000-4000-8000-00000000abcd', 30)).resolves.toBeUndefined();
      await expect(h.repo.get('00000000-0000-4000-8000-00000000abcd')).resolves.toBeUndefined();
    });

    it('racing creates of one id: exactly one is created, and the job reads whole', async () => {
      const job = makeJob(27, h.clock.now(), { requestFingerprint: 'c'.repeat(64) });
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => h.repo.create(job)));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'exists')).toHaveLength(3);
      await expect(h.repo.get(job.header.id)).resolves.toEqual(job);
    });

    it('counts attempts, reopens a failed item and never touches a succeeded one', async () => {
      const job = makeJob(2, h.clock.now());
      await h.repo.create(job);
      const id = job.header.id;
      expect(await h.repo.beginAttempt(id, 0, 10)).toMatchObject({ attempts: 1, status: 'pending', updatedAt: 10 });
      const error = { code: 'provider_unavailable', message: 'down', attempt: 1, at: 11, final: true };
      await h.repo.settle(id, 0, { status: 'failed', at: 11, error });
      expect(await h.repo.getItem(id, 0)).toMatchObject({ status: 'failed', lastError: error });
      expect(await h.repo.beginAttempt(id, 0, 12)).toMatchObject({ attempts: 2, status: 'pending' });
      await h.repo.settle(id, 0, { status: 'succeeded', at: 13 });
      expect(await h.repo.beginAttempt(id, 0, 14)).toMatchObject({ attempts: 2, status: 'succeeded', updatedAt: 13 });
      await h.repo.settle(id, 0, { status: 'failed', at: 15, error: { ...error, at: 15 } });
      await h.repo.recordError(id, 0, { ...error, at: 16, final: false });
      expect(await h.repo.getItem(id, 0)).toMatchObject({ status: 'succeeded', updatedAt: 13 });
    });

    it('records an error without settling the item', async () => {
      const job = makeJob(1, h.clock.now());
      await h.repo.create(job);
      const error = { code: 'provider_rate_limited', message: 'slow down', attempt: 1, at: 20, final: false };
      await h.repo.recordError(job.header.id, 0, error);
      expect(await h.repo.getItem(job.header.id, 0)).toMatchObject({ status: 'pending', lastError: error, updatedAt: 20 });
    });

    it('keeps the first generation of an item; a later one gets the kept one back', async () => {
      const job = makeJob(1, h.clock.now());
      await h.repo.create(job);
      const first = makeGeneration(job.header.id, 0, 30);
      const second = makeGeneration(job.header.id, 0, 31, 'A different answer from a second delivery.');
      await expect(h.repo.keepGeneration(job.header.id, 0, first)).resolves.toEqual(first);
      await expect(h.repo.keepGeneration(job.header.id, 0, second)).resolves.toEqual(first);
      expect((await h.repo.getItem(job.header.id, 0))?.generation).toEqual(first);
      const both = await Promise.all([0, 1].map(() => h.repo.keepGeneration(job.header.id, 0, second)));
      expect(both).toEqual([first, first]);
    });

    it('one owner per text in a job: the owner sees its claim as its own again, another item does not', async () => {
      const job = makeJob(3, h.clock.now());
      const other = makeJob(1, h.clock.now());
      await h.repo.create(job);
      await h.repo.create(other);
      const id = job.header.id;
      expect(await h.repo.claimTexts(id, 0, ['s3 keeps it', 'lambda runs it'])).toEqual([true, true]);
      expect(await h.repo.claimTexts(id, 0, ['s3 keeps it'])).toEqual([true]);
      expect(await h.repo.claimTexts(id, 1, ['lambda runs it', 'ec2 hosts it'])).toEqual([false, true]);
      // Claims are per job.
      expect(await h.repo.claimTexts(other.header.id, 0, ['s3 keeps it'])).toEqual([true]);
      // Two items racing for one text: exactly one wins.
      const race = await Promise.all([1, 2].map((i) => h.repo.claimTexts(id, i, ['sqs queues it'])));
      expect(race.map((r) => r[0]).filter(Boolean)).toHaveLength(1);
    });

    it('claims are not items: reading the job still gives its items only', async () => {
      const job = makeJob(2, h.clock.now());
      await h.repo.create(job);
      await h.repo.claimTexts(job.header.id, 1, ['some text']);
      expect((await h.repo.get(job.header.id))?.items.map((i) => i.index)).toEqual([0, 1]);
    });

    it('a job past its expiry reads as unknown', async () => {
      const job = makeJob(1, h.clock.now(), { expiresAt: h.clock.now() + 60_000 });
      await h.repo.create(job);
      await expect(h.repo.get(job.header.id)).resolves.toBeDefined();
      h.clock.advance(60_001);
      await expect(h.repo.get(job.header.id)).resolves.toBeUndefined();
    });
  });
}
