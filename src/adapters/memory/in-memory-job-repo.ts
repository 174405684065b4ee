import type { ItemError, ItemGeneration, Job, JobItem } from '../../domain/jobs/job';
import type { Clock } from '../../ports/clock';
import { JobRepoError, type ItemSettlement, type JobRepo } from '../../ports/job-repo';
import type { MemoryState } from './memory-state';

/**
 * Jobs in the process's state. Creation is durable before it is acknowledged (the caller answers 202 with
 * the id); item changes are written behind, in order, so a kill can lose the last ones — they are redone by
 * a redelivery, which the idempotent writes below make safe.
 */
export class InMemoryJobRepo implements JobRepo {
  constructor(
    private readonly state: MemoryState,
    private readonly clock: Clock,
  ) {}

  async create(job: Job): Promise<'created' | 'exists'> {
    if (this.state.jobs.find(job.header.id, this.clock.now())) return 'exists';
    this.state.jobs.apply({ t: 'job', job });
    try {
      await this.state.journal.write({ t: 'job', job }, true);
    } catch (error) {
      // Nothing is acknowledged that is not on disk (ADR 0004): the caller gets a 503, the job is gone.
      this.state.jobs.forget(job.header.id);
      throw new JobRepoError('The job could not be stored', { cause: error });
    }
    return 'created';
  }

  async markQueued(jobId: string, at: number): Promise<void> {
    const job = this.state.jobs.find(jobId, this.clock.now());
    if (!job || job.header.queuedAt !== undefined) return;
    this.state.jobs.apply({ t: 'jobQueued', jobId, at });
    await this.state.journal.write({ t: 'jobQueued', jobId, at }, false);
  }

  get(jobId: string): Promise<Job | undefined> {
    const job = this.state.jobs.find(jobId, this.clock.now());
    return Promise.resolve(job ? { header: job.header, items: [...job.items] } : undefined);
  }

  getItem(jobId: string, index: number): Promise<JobItem | undefined> {
    return Promise.resolve(this.state.jobs.find(jobId, this.clock.now())?.items[index]);
  }

  async beginAttempt(jobId: string, index: number, at: number): Promise<JobItem | undefined> {
    const item = await this.getItem(jobId, index);
    if (!item || item.status === 'succeeded') return item;
    return this.write(jobId, { ...item, status: 'pending', attempts: item.attempts + 1, updatedAt: at });
  }

  async keepGeneration(jobId: string, index: number, generation: ItemGeneration): Promise<ItemGeneration> {
    const item = await this.getItem(jobId, index);
    if (!item) return generation;
    if (item.generation) return item.generation;
    await this.write(jobId, { ...item, generation, updatedAt: generation.at });
    return generation;
  }

  async claimTexts(jobId: string, index: number, normalizedTexts: readonly string[]): Promise<readonly boolean[]> {
    const job = this.state.jobs.find(jobId, this.clock.now());
    if (!job) return normalizedTexts.map(() => false);
    const writes: Promise<void>[] = [];
    const owned = normalizedTexts.map((text) => {
      const owner = job.claims.get(text);
      if (owner !== undefined) return owner === index;
      this.state.jobs.apply({ t: 'jobClaim', jobId, text, index });
      writes.push(this.state.journal.write({ t: 'jobClaim', jobId, text, index }, false));
      return true;
    });
    await Promise.all(writes);
    return owned;
  }

  async recordError(jobId: string, index: number, error: ItemError): Promise<void> {
    const item = await this.getItem(jobId, index);
    if (!item || item.status === 'succeeded') return;
    await this.write(jobId, { ...item, lastError: error, updatedAt: error.at });
  }

  async settle(jobId: string, index: number, settlement: ItemSettlement): Promise<void> {
    const item = await this.getItem(jobId, index);
    if (!item || item.status === 'succeeded') return;
    const lastError = settlement.status === 'failed' ? settlement.error : item.lastError;
    await this.write(jobId, { ...item, status: settlement.status, lastError, updatedAt: settlement.at });
  }

  private async write(jobId: string, item: JobItem): Promise<JobItem> {
    this.state.jobs.apply({ t: 'jobItem', jobId, item });
    await this.state.journal.write({ t: 'jobItem', jobId, item }, false);
    return item;
  }
}
