import type { GetJobUseCase } from '../../../../application/jobs/get-job.use-case';
import type { SubmitJobUseCase } from '../../../../application/jobs/submit-job.use-case';
import { nanoToUsd } from '../../../../domain/cost/money';
import type { JobSummary } from '../../../../domain/jobs/summary';
import { readJsonBody } from '../../core/json-body';
import type { HttpResponse, Route } from '../../core/http-types';
import { HttpError, retryAfterSeconds } from '../../http-error';
import { idempotencyKeyOf, parseOr400 } from '../../validation';
import type { ApiRoute } from '../api-routes';
import { jobBodySchema, jobIdSchema } from './job-schemas';

export interface JobRoutesDeps {
  readonly submitJob: SubmitJobUseCase;
  readonly getJob: GetJobUseCase;
  readonly bodyLimitBytes: number;
}

/** `POST /jobs` and `GET /jobs/{id}` (seed 002's async path). */
export function jobRoutes(deps: JobRoutesDeps): readonly ApiRoute[] {
  return [
    { method: 'POST', path: '/jobs', route: submitJobRoute(deps.submitJob, deps.bodyLimitBytes) },
    { method: 'GET', path: '/jobs/{id}', route: getJobRoute(deps.getJob) },
  ];
}

export const submitJobRoute =
  (submitJob: SubmitJobUseCase, bodyLimitBytes: number): Route =>
  async (request) => {
    const body = parseOr400(jobBodySchema, readJsonBody(request, bodyLimitBytes), 'job');
    const idempotencyKey = idempotencyKeyOf(request);
    const result = await submitJob.execute({ type: body.type, count: body.count, models: body.models, services: body.services, idempotencyKey, clientId: request.clientIp });
    if (!result.ok) {
      const e = result.error;
      if (e.code === 'queue_unavailable') throw new HttpError(503, e.code, e.message, undefined, { 'Retry-After': '5' });
      if (e.code === 'idempotency_key_reused') throw new HttpError(409, e.code, e.message);
      if (e.code === 'rate_limited') throw new HttpError(429, e.code, e.message, undefined, { 'Retry-After': retryAfterSeconds(e.retryAfterMs) });
      const path = e.code === 'unknown_model' ? 'models' : e.code === 'unknown_service' ? 'services' : 'job';
      throw new HttpError(400, e.code, e.message, [{ path, message: e.message }]);
    }
    const { job, replayed } = result.value;
    const location = `/jobs/${job.jobId}`;
    return {
      status: 202,
      headers: { Location: location, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
      body: { jobId: job.jobId, status: job.status, progress: job.progress, location, replayed },
    };
  };

export const getJobRoute =
  (getJob: GetJobUseCase): Route =>
  async (request): Promise<HttpResponse> => {
    const id = parseOr400(jobIdSchema, request.params.id ?? '', 'job id');
    const job = await getJob.execute(id.toLowerCase());
    if (!job) throw new HttpError(404, 'job_not_found', `No job ${id}: it never existed or has expired.`);
    return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: view(job) };
  };

/** Dollars beside the exact nano-dollars, for display (ADR 0003). */
function view(job: JobSummary): unknown {
  return { ...job, results: { ...job.results, costUsd: nanoToUsd(job.results.costNano) } };
}
