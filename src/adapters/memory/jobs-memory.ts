import type { Job, JobHeader, JobItem } from '../../domain/jobs/job';

/** A job's change, as the journal stores it: whole entities, so replaying is an idempotent upsert. */
export type JobChange =
  | { readonly t: 'job'; readonly job: Job }
  | { readonly t: 'jobItem'; readonly jobId: string; readonly item: JobItem }
  | { readonly t: 'jobClaim'; readonly jobId: string; readonly text: string; readonly index: number }
  | { readonly t: 'jobQueued'; readonly jobId: string; readonly at: number };

export const JOB_CHANGE_KINDS: ReadonlySet<string> = new Set(['job', 'jobItem', 'jobClaim', 'jobQueued']);

interface StoredJob {
  header: JobHeader;
  readonly items: JobItem[];
  /** Normalised text → the item that claimed it. */
  readonly claims: Map<string, number>;
}

/** The jobs part of the in-memory state (MemoryState.jobs), shared by the adapters of one process. */
export class JobsMemory {
  private readonly jobs = new Map<string, StoredJob>();

  apply(change: JobChange): void {
    switch (change.t) {
      case 'job':
        this.jobs.set(change.job.header.id, { header: change.job.header, items: [...change.job.items], claims: new Map() });
        break;
      case 'jobItem': {
        const job = this.jobs.get(change.jobId);
        if (job && job.items[change.item.index] !== undefined) job.items[change.item.index] = change.item;
        break;
      }
      case 'jobClaim':
        this.jobs.get(change.jobId)?.claims.set(change.text, change.index);
        break;
      case 'jobQueued': {
        const job = this.jobs.get(change.jobId);
        if (job && job.header.queuedAt === undefined) job.header = { ...job.header, queuedAt: change.at };
        break;
      }
    }
  }

  /** Takes back a job whose creation did not reach the disk. */
  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /** The live job, or undefined when unknown or past its expiry (then dropped). */
  find(jobId: string, now: number): StoredJob | undefined {
    const job = this.jobs.get(jobId);
    if (job && job.header.expiresAt <= now) {
      this.jobs.delete(jobId);
      return undefined;
    }
    return job;
  }

  /** Jobs with an item not yet settled, for re-queueing after a restart of a process-local queue. */
  unfinished(now: number): readonly { readonly jobId: string; readonly items: readonly number[] }[] {
    return [...this.jobs.values()]
      .filter((j) => j.header.expiresAt > now)
      .map((j) => ({ jobId: j.header.id, items: j.items.filter((i) => i.status === 'pending').map((i) => i.index) }))
      .filter((j) => j.items.length > 0);
  }

  get recordCount(): number {
    let n = 0;
    for (const j of this.jobs.values()) n += 1 + j.claims.size;
    return n;
  }

  /** For compaction: one record per job (with its items) and one per claim; expired jobs are left out. */
  snapshot(now: number): readonly JobChange[] {
    const live = [...this.jobs.values()].filter((j) => j.header.expiresAt > now);
    return live.flatMap((j): JobChange[] => [
      { t: 'job', job: { header: j.header, items: [...j.items] } },
      ...[...j.claims].map(([text, index]): JobChange => ({ t: 'jobClaim', jobId: j.header.id, text, index })),
    ]);
  }
}
