import type { Vendor } from '../catalog/model-catalog';
import { sumNano, type NanoUsd } from '../cost/money';
import type { ItemError, Job, JobItem, JobType } from './job';

/** `partially_failed`: every item settled, some failed (dead-lettered) and some succeeded. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partially_failed' | 'failed';

export interface JobSaying {
  readonly sayingId: string;
  readonly text: string;
  readonly serviceId: string;
  readonly vendor: Vendor;
  readonly model: string;
  readonly offline: boolean;
}

export interface JobSummary {
  readonly jobId: string;
  readonly type: JobType;
  readonly status: JobStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly request: { readonly count: number; readonly models: readonly string[]; readonly services: readonly string[] };
  /** In sayings asked for: `done` counts the slots of settled items (succeeded or failed), once each. */
  readonly progress: {
    readonly done: number;
    readonly total: number;
    readonly failed: number;
    readonly items: { readonly done: number; readonly total: number };
  };
  readonly results: {
    readonly sayings: readonly JobSaying[];
    readonly added: number;
    readonly duplicatesDropped: number;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly tokens: number;
    readonly costNano: NanoUsd;
    /** Some tokens were estimated because a provider reported none. */
    readonly estimated: boolean;
    /** Some sayings came from the offline simulation. */
    readonly offline: boolean;
  };
  /** Items not succeeded that have an error: retrying (`final: false`) or given up (`final: true`). */
  readonly errors: readonly (ItemError & { readonly item: number })[];
}

const settled = (i: JobItem): boolean => i.status !== 'pending';

export function jobStatus(items: readonly JobItem[]): JobStatus {
  if (items.length > 0 && items.every(settled)) {
    const failed = items.filter((i) => i.status === 'failed').length;
    if (failed === 0) return 'succeeded';
    return failed === items.length ? 'failed' : 'partially_failed';
  }
  return items.some((i) => settled(i) || i.attempts > 0) ? 'running' : 'queued';
}

/**
 * The view of a job, derived from its items alone: progress, status and results are counted per item, so
 * a redelivered or twice-processed item cannot count twice, and the figures are exact at any moment.
 */
export function summarizeJob(job: Job): JobSummary {
  const { header, items } = job;
  const slots = (list: readonly JobItem[]) => list.reduce((n, i) => n + i.serviceIds.length, 0);
  const succeeded = items.filter((i) => i.status === 'succeeded');
  const generations = items.flatMap((i) => (i.generation ? [i.generation] : []));
  const sayings = succeeded.flatMap((i) =>
    (i.generation?.texts ?? [])
      .filter((t) => !t.duplicate)
      .map((t): JobSaying => ({
        sayingId: t.sayingId,
        text: t.text,
        serviceId: t.serviceId,
        vendor: i.generation?.vendor as Vendor,
        model: i.generation?.model ?? i.model,
        offline: i.generation?.offline ?? false,
      })),
  );
  const duplicatesDropped = succeeded.reduce((n, i) => n + (i.generation?.texts.filter((t) => t.duplicate).length ?? 0), 0);
  const inputTokens = generations.reduce((n, g) => n + (g.inputTokens ?? 0), 0);
  const outputTokens = generations.reduce((n, g) => n + (g.outputTokens ?? 0), 0);
  return {
    jobId: header.id,
    type: header.request.type,
    status: jobStatus(items),
    createdAt: header.createdAt,
    updatedAt: items.reduce((latest, i) => Math.max(latest, i.updatedAt), header.createdAt),
    request: { count: header.request.count, models: header.request.models, services: header.request.services },
    progress: {
      done: slots(items.filter(settled)),
      total: slots(items),
      failed: slots(items.filter((i) => i.status === 'failed')),
      items: { done: items.filter(settled).length, total: items.length },
    },
    results: {
      sayings,
      added: sayings.length,
      duplicatesDropped,
      inputTokens,
      outputTokens,
      tokens: inputTokens + outputTokens,
      costNano: sumNano(generations.map((g) => g.costNano ?? 0)),
      estimated: generations.some((g) => g.estimated),
      offline: generations.some((g) => g.offline),
    },
    errors: items.flatMap((i) => (i.status !== 'succeeded' && i.lastError ? [{ item: i.index, ...i.lastError }] : [])),
  };
}
