import { InMemoryJobQueue } from '../../src/adapters/memory/in-memory-job-queue';
import { InMemoryJobRepo } from '../../src/adapters/memory/in-memory-job-repo';
import { MemoryState } from '../../src/adapters/memory/memory-state';
import { CryptoRandomSource } from '../../src/adapters/system/crypto-random-source';
import { JobRepoError } from '../../src/ports/job-repo';
import { jobQueueContract } from './job-queue.contract';
import { jobRepoContract, makeGeneration, makeJob } from './job-repo.contract';
import { ManualClock, openTempFileState } from './support';

jobQueueContract('InMemoryJobQueue', () => {
  const clock = new ManualClock();
  const visibilityTimeoutMs = 30_000;
  const maxReceiveCount = 3;
  const queue = new InMemoryJobQueue({ clock, random: new CryptoRandomSource(), visibilityTimeoutMs, maxReceiveCount });
  return Promise.resolve({
    queue,
    visibilityTimeoutMs,
    maxReceiveCount,
    advance: (ms: number) => Promise.resolve(clock.advance(ms)),
    close: () => Promise.resolve(),
  });
});

jobRepoContract('InMemoryJobRepo', () => {
  const clock = new ManualClock();
  return Promise.resolve({ repo: new InMemoryJobRepo(new MemoryState(), clock), clock, close: () => Promise.resolve() });
});

jobRepoContract('InMemoryJobRepo on a FileState (journaled)', async () => {
  const clock = new ManualClock();
  const temp = await openTempFileState();
  return { repo: new InMemoryJobRepo(temp.fileState.state, clock), clock, close: () => temp.close() };
});

describe('InMemoryJobRepo on a FileState', () => {
  it('keeps jobs, item changes and claims across a restart of the process', async () => {
    const clock = new ManualClock();
    let temp = await openTempFileState();
    try {
      let repo = new InMemoryJobRepo(temp.fileState.state, clock);
      const job = makeJob(3, clock.now());
      const id = job.header.id;
      await repo.create(job);
      await repo.beginAttempt(id, 0, 5);
      await repo.keepGeneration(id, 0, makeGeneration(id, 0, 6));
      await repo.settle(id, 0, { status: 'succeeded', at: 7 });
      await repo.claimTexts(id, 0, ['one text']);
      const before = await repo.get(id);
      temp = await temp.reopen();
      repo = new InMemoryJobRepo(temp.fileState.state, clock);
      expect(await repo.get(id)).toEqual(before);
      expect(await repo.claimTexts(id, 1, ['one text'])).toEqual([false]);
      expect(temp.fileState.state.jobs.unfinished(clock.now())).toEqual([{ jobId: id, items: [1, 2] }]);
    } finally {
      await temp.close();
    }
  });
});

describe('InMemoryJobQueue', () => {
  it('a long poll returns as soon as a message is sent', async () => {
    const clock = new ManualClock();
    const queue = new InMemoryJobQueue({ clock, random: new CryptoRandomSource(), visibilityTimeoutMs: 1_000, maxReceiveCount: 3 });
    const waiting = queue.receive({ max: 1, waitMs: 60_000 });
    await queue.send([{ jobId: 'j', item: 0 }]);
    expect((await waiting).map((d) => d.message)).toEqual([{ jobId: 'j', item: 0 }]);
  });

  it('delivers an unreadable body as a delivery without a message, so the consumer can dead-letter it', async () => {
    const clock = new ManualClock();
    const queue = new InMemoryJobQueue({ clock, random: new CryptoRandomSource(), visibilityTimeoutMs: 1_000, maxReceiveCount: 3 });
    queue.sendRaw('{"not":"a job"}');
    const [d] = await queue.receive({ max: 1, waitMs: 0 });
    expect(d).toMatchObject({ message: undefined, rawBody: '{"not":"a job"}', receiveCount: 1 });
  });
});

describe('InMemoryJobRepo when the journal cannot write', () => {
  it('refuses the job with a JobRepoError and keeps nothing of it', async () => {
    const clock = new ManualClock();
    const state = new MemoryState({ write: () => Promise.reject(new Error('ENOSPC')) });
    const repo = new InMemoryJobRepo(state, clock);
    const job = makeJob(2, clock.now());
    await expect(repo.create(job)).rejects.toBeInstanceOf(JobRepoError);
    await expect(repo.get(job.header.id)).resolves.toBeUndefined();
  });
});
