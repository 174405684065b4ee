import { JOB_LIMITS, newItem, type Job, type JobItem, type JobRequest, type JobType } from '../../domain/jobs/job';
import { idempotentJobId, jobRequestFingerprint, madeBy } from '../../domain/jobs/idempotency';
import { planItems } from '../../domain/jobs/plan';
import { summarizeJob, type JobSummary } from '../../domain/jobs/summary';
import type { AwsService } from '../../domain/services/aws-service';
import { err, ok, type Result } from '../../domain/shared/result';
import type { Clock } from '../../ports/clock';
import type { JobQueue } from '../../ports/job-queue';
import type { JobRepo } from '../../ports/job-repo';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import type { RateLimiter, RatePolicy } from '../../ports/rate-limiter';
import type { ModelDirectory } from '../sayings/models';
import type { ServicePicker } from '../sayings/service-picker';
import { describeError } from '../sayings/pool-builder';

/** A request as the HTTP layer validated its shape; catalog checks happen here. */
export interface SubmitJobInput {
  readonly type: JobType;
  readonly count: number | undefined;
  readonly models: readonly string[] | undefined;
  readonly services: readonly string[] | undefined;
  /** From the `Idempotency-Key` header: a retry with the same key and body gets the first attempt's job. */
  readonly idempotencyKey?: string | undefined;
  /**
   * Who asked (the client address the door trusts, ADR 0022): a new job takes the sayings it asks for from this
   * client's hourly allowance. Undefined for an operator's own tools, which nobody outside can reach.
   */
  readonly clientId?: string | undefined;
}

export interface SubmittedJob {
  readonly job: JobSummary;
  /** True when the key named a job an earlier request made: nothing new was stored or queued. */
  readonly replayed: boolean;
}

export type SubmitJobError =
  | { readonly code: 'unknown_model'; readonly message: string; readonly values: readonly string[] }
  | { readonly code: 'unknown_service'; readonly message: string; readonly values: readonly string[] }
  | { readonly code: 'invalid_job'; readonly message: string }
  | { readonly code: 'queue_unavailable'; readonly message: string }
  | { readonly code: 'idempotency_key_reused'; readonly message: string }
  | { readonly code: 'rate_limited'; readonly message: string; readonly retryAfterMs: number };

export interface SubmitJobSettings {
  /** How long a job and its results are kept. */
  readonly ttlMs: number;
  /**
   * Sayings (model calls) one client may ask for an hour, over all its jobs; at least JOB_LIMITS.maxCount, so the
   * largest job fits a full allowance. Anyone can reach `POST /jobs`, and each saying costs money.
   */
  readonly sayingsPerClientHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * `POST /jobs`: validates the request against the catalog, fixes every item (model and services) up front,
 * stores the job, then queues one message per item. Items the queue refused are failed at once, so the job
 * still ends; a queue that takes nothing fails the whole job and the caller gets an error to retry.
 *
 * With an Idempotency-Key the job's id comes from the key: a retry of the same request — sequential or racing,
 * on any instance — finds the job the first one stored and gets it back without storing or queueing anything;
 * the same key with another request is refused. A job costs model calls, so a client's retry must not double it.
 */
export class SubmitJobUseCase {
  private readonly servicesById: ReadonlyMap<string, AwsService>;

  constructor(
    private readonly models: ModelDirectory,
    services: readonly AwsService[],
    private readonly picker: ServicePicker,
    private readonly repo: JobRepo,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly limiter: RateLimiter,
    private readonly settings: SubmitJobSettings,
  ) {
    if (settings.sayingsPerClientHour < JOB_LIMITS.maxCount) throw new Error(`sayingsPerClientHour must be at least ${JOB_LIMITS.maxCount}, the largest job`);
    this.servicesById = new Map(services.map((s) => [s.id, s]));
  }

  async execute(input: SubmitJobInput): Promise<Result<SubmittedJob, SubmitJobError>> {
    const request = this.resolve(input);
    if (!request.ok) return request;
    const requestFingerprint = input.idempotencyKey === undefined ? undefined : jobRequestFingerprint(input);
    const id = input.idempotencyKey === undefined ? this.random.uuid() : idempotentJobId(input.idempotencyKey);
    if (requestFingerprint !== undefined) {
      const earlier = await this.repo.get(id);
      if (earlier) return this.replay(earlier, requestFingerprint);
    }
    // A replay (above) costs nothing more, so it takes nothing; a new job takes every saying it asks for.
    const allowance = input.clientId === undefined ? undefined : await this.limiter.take(allowanceKey(input.clientId), this.allowancePolicy(), request.value.count);
    if (allowance && !allowance.allowed) {
      // A racing twin of this keyed request may have taken the allowance and stored the job meanwhile: replay it.
      if (requestFingerprint !== undefined) {
        const twin = await this.repo.get(id);
        if (twin) return this.replay(twin, requestFingerprint);
      }
      return err({
        code: 'rate_limited',
        retryAfterMs: allowance.retryAfterMs,
        message: `This client may ask for ${this.settings.sayingsPerClientHour} sayings an hour over all its jobs, and ${allowance.remaining} are left; this job asks for ${request.value.count}. Try again later or ask for fewer.`,
      });
    }
    const now = this.clock.now();
    const plans = planItems(request.value);
    const job: Job = {
      header: { id, request: request.value, createdAt: now, itemCount: plans.length, expiresAt: now + this.settings.ttlMs, requestFingerprint },
      items: plans.map((p) => newItem(p.index, p.model, p.serviceIds, now)),
    };
    if ((await this.repo.create(job)) === 'exists') {
      // A racing retry stored it first (or the key's job has expired but is not deleted yet): this request made
      // nothing, so what it took goes back.
      await this.giveBack(input.clientId, request.value.count);
      const earlier = await this.repo.get(id);
      if (earlier && requestFingerprint !== undefined) return this.replay(earlier, requestFingerprint);
      return err({ code: 'idempotency_key_reused', message: 'This Idempotency-Key was used for a job that has expired; send the request with a new key.' });
    }
    // With a key, a queue that takes nothing leaves the job pending: the client is told to retry, and its retry
    // (same key) queues it. Without one, nobody could name the job again, so its items are failed and it ends.
    const keyless = requestFingerprint === undefined;
    const queued = await this.enqueue(job, job.items, keyless);
    if (!queued.ok) {
      // Keyless, its items were failed and nothing will be made: what it took goes back. Keyed, it stays pending
      // and the client's retry queues it without taking anything more, so the allowance stays spent.
      if (keyless) await this.giveBack(input.clientId, request.value.count);
      return queued;
    }
    await this.giveBack(input.clientId, sayingsOf(queued.value));
    const stored = await this.repo.get(job.header.id);
    this.logger.info('job submitted', { jobId: job.header.id, type: request.value.type, items: plans.length, unqueued: queued.value.length, idempotent: !keyless });
    return ok({ job: summarizeJob(stored ?? job), replayed: false });
  }

  /**
   * The job an earlier request with this key made. If it was never handed to the queue — that request's queue
   * refused it (it got a 503), or its process died between storing and queueing — this retry queues it, once the
   * earlier request has had QUEUE_GRACE_MS to do so itself (a duplicate message would be harmless, ADR 0020).
   */
  private async replay(earlier: Job, requestFingerprint: string): Promise<Result<SubmittedJob, SubmitJobError>> {
    if (!madeBy(earlier.header, requestFingerprint)) {
      return err({ code: 'idempotency_key_reused', message: 'This Idempotency-Key was already used for a different job request; use a new key for a new job.' });
    }
    const stranded = earlier.header.queuedAt === undefined && this.clock.now() - earlier.header.createdAt >= QUEUE_GRACE_MS;
    const pending = earlier.items.filter((i) => i.status === 'pending');
    if (stranded && pending.length > 0) {
      const queued = await this.enqueue(earlier, pending, false);
      if (!queued.ok) return queued;
      this.logger.info('job queued by a retried submission', { jobId: earlier.header.id, items: pending.length, unqueued: queued.value.length });
      return ok({ job: summarizeJob((await this.repo.get(earlier.header.id)) ?? earlier), replayed: true });
    }
    this.logger.info('job submission replayed', { jobId: earlier.header.id });
    return ok({ job: summarizeJob(earlier), replayed: true });
  }

  /**
   * Sends one message per item; marks the job queued when the queue took any. Items the queue refused are failed
   * at once (the job still ends) — unless it took none and `failWhenRefused` is false: then nothing is changed and
   * the caller answers 503. Answers the items left out.
   */
  private async enqueue(job: Job, items: readonly JobItem[], failWhenRefused: boolean): Promise<Result<readonly JobItem[], SubmitJobError>> {
    let refused: readonly JobItem[];
    try {
      const { failed } = await this.queue.send(items.map((i) => ({ jobId: job.header.id, item: i.index })));
      // Positions in the list sent, which is not every item of the job when a retry queues the pending ones.
      refused = failed.map((at) => items[at]).filter((item): item is JobItem => item !== undefined);
    } catch (error) {
      this.logger.error('job not queued', { jobId: job.header.id, error: describeError(error) });
      refused = items;
    }
    const at = this.clock.now();
    const none = refused.length === items.length;
    if (none && !failWhenRefused) return err(QUEUE_UNAVAILABLE);
    // Best effort: if the store is down too, the items stay pending and the job reads as running.
    const error = { code: 'enqueue_failed', message: 'The queue did not accept this item.', attempt: 0, at, final: true };
    await Promise.all(refused.map((item) => this.repo.settle(job.header.id, item.index, { status: 'failed', at, error }).catch(() => undefined)));
    if (none) return err(QUEUE_UNAVAILABLE);
    await this.repo.markQueued(job.header.id, at).catch((e: unknown) => this.logger.warn('job queued but not marked so', { jobId: job.header.id, error: describeError(e) }));
    return ok(refused);
  }

  private allowancePolicy(): RatePolicy {
    return { limit: this.settings.sayingsPerClientHour, windowMs: HOUR_MS };
  }

  /** Sayings taken from a client's allowance for work that will not be done; a failure only leaves them spent. */
  private async giveBack(clientId: string | undefined, sayings: number): Promise<void> {
    if (clientId === undefined || sayings <= 0) return;
    await this.limiter.giveBack(allowanceKey(clientId), this.allowancePolicy(), sayings).catch((error: unknown) =>
      this.logger.warn('job allowance not given back', { sayings, error: describeError(error) }),
    );
  }

  private resolve(input: SubmitJobInput): Result<JobRequest, SubmitJobError> {
    const models = input.models === undefined || input.models.length === 0 ? this.models.sayingModels().map((m) => m.key) : unique(input.models);
    const unknownModels = models.filter((m) => this.models.provider(m) === undefined || !this.models.catalog.has(m));
    if (unknownModels.length > 0) {
      const known = [...this.models.catalog.keys()].filter((k) => this.models.provider(k) !== undefined);
      return err({ code: 'unknown_model', values: unknownModels, message: `Unknown model ${quoteList(unknownModels)}; use catalog keys: ${known.join(', ')}.` });
    }
    const asked = input.services === undefined ? undefined : unique(input.services);
    const unknownServices = (asked ?? []).filter((s) => !this.servicesById.has(s));
    if (unknownServices.length > 0) {
      const sample = [...this.servicesById.keys()].slice(0, 8).join(', ');
      return err({ code: 'unknown_service', values: unknownServices, message: `Unknown service ${quoteList(unknownServices)}; use service ids such as ${sample}.` });
    }
    if (input.type === 'enrich') {
      if (asked === undefined || asked.length === 0) return err({ code: 'invalid_job', message: 'An enrich job needs "services": the ids to write one saying each for.' });
      if (input.count !== undefined && input.count !== asked.length) {
        return err({ code: 'invalid_job', message: `An enrich job writes one saying per service: omit "count" or set it to ${asked.length}.` });
      }
      return ok({ type: 'enrich', count: asked.length, models, services: asked });
    }
    const count = input.count;
    if (count === undefined || count < JOB_LIMITS.minCount || count > JOB_LIMITS.maxCount) {
      return err({ code: 'invalid_job', message: `A generate job needs "count" between ${JOB_LIMITS.minCount} and ${JOB_LIMITS.maxCount}.` });
    }
    const services = asked && asked.length > 0 ? asked : this.picker.pick(Math.min(count, this.servicesById.size)).map((s) => s.id);
    return ok({ type: 'generate', count, models, services });
  }
}

/** How long a submission has to queue its own job before a retry with the same key does it instead. */
export const QUEUE_GRACE_MS = 5_000;

const QUEUE_UNAVAILABLE = { code: 'queue_unavailable', message: 'The job queue is unavailable right now; the job was not started. Try again shortly.' } as const;

const unique = (values: readonly string[]): readonly string[] => [...new Set(values)];
const quoteList = (values: readonly string[]): string => values.map((v) => `"${v.slice(0, 60)}"`).join(', ');

const allowanceKey = (clientId: string): string => `jobs:${clientId}`;

/** How many sayings the items ask for. */
const sayingsOf = (items: readonly JobItem[]): number => items.reduce((n, item) => n + item.serviceIds.length, 0);
