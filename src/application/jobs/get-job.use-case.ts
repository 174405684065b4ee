import { summarizeJob, type JobSummary } from '../../domain/jobs/summary';
import type { JobRepo } from '../../ports/job-repo';

/** `GET /jobs/{id}`: the job's status, progress, results and errors, derived from its items. */
export class GetJobUseCase {
  constructor(private readonly repo: JobRepo) {}

  async execute(jobId: string): Promise<JobSummary | undefined> {
    const job = await this.repo.get(jobId);
    return job ? summarizeJob(job) : undefined;
  }
}
