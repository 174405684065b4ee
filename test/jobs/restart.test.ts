import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { JobRepo } from '../../src/ports/job-repo';
import { startHarness } from '../support/local-harness';
import { waitForJob } from './support';

/*
 * `npm start` without Redis: the queue lives in the process, job state in DATA_DIR. A server stopped with a job
 * half done queues the unfinished items again when it starts, and the job finishes with nothing counted twice.
 */
describe('the local server restarted in the middle of a job', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-jobs-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the job in its data folder and finishes it after the restart', async () => {
    const first = await startHarness({ inMemory: false, env: { DATA_DIR: dataDir, JOBS_WORKER: 'off' } });
    const res = await first.http.post('/jobs').send({ type: 'generate', count: 9, models: ['haiku'] }).expect(202);
    const jobId = res.body.jobId as string;
    expect((await first.http.get(`/jobs/${jobId}`).expect(200)).body.status).toBe('queued');
    await first.close();

    const second = await startHarness({ inMemory: false, env: { DATA_DIR: dataDir } });
    try {
      const job = await waitForJob(second.http, jobId);
      expect(job.status).toBe('succeeded');
      expect(job.progress).toEqual({ done: 9, total: 9, failed: 0, items: { done: 3, total: 3 } });
      expect(second.logs.some((l) => l.message === 'unfinished job items queued again' && l.fields?.items === 3)).toBe(true);
    } finally {
      await second.close();
    }
    // And it is still there, finished, after one more restart: item changes reached the journal.
    const third = await startHarness({ inMemory: false, env: { DATA_DIR: dataDir } });
    try {
      expect((await third.http.get(`/jobs/${jobId}`).expect(200)).body.progress.done).toBe(9);
      // The note that the job reached the queue is journalled too: a keyed retry will not queue it again.
      expect((await third.local.container.get<JobRepo>(TOKENS.JobRepo).get(jobId))?.header.queuedAt).toEqual(expect.any(Number));
      expect(third.logs.some((l) => l.message === 'unfinished job items queued again')).toBe(false);
    } finally {
      await third.close();
    }
  });
});
