import type { Vendor } from '../domain/catalog/model-catalog';

export type MetricName =
  | 'TotalExecutionTime'
  | 'APILatency'
  | 'TokensUsed'
  | 'Cost'
  | 'CacheHit'
  | 'Feedback'
  /** 1 when a dependency becomes available again, 0 when it is lost: one data point per change, not per request. */
  | 'DependencyAvailable';
export type MetricUnit = 'Milliseconds' | 'Count' | 'None';

export interface MetricDimensions {
  readonly vendor?: Vendor | 'collection';
  readonly model?: string;
  readonly channel?: string;
  /** For DependencyAvailable: which dependency (`redis`) and which adapter noticed (`RedisCacheStore`). */
  readonly dependency?: string;
  readonly component?: string;
}

export interface Metric {
  readonly name: MetricName;
  readonly value: number;
  readonly unit: MetricUnit;
  readonly dimensions: MetricDimensions;
}

/** Fire-and-forget metrics; an adapter buffers and must never fail the request that records them. */
export interface MetricsSink {
  record(metrics: readonly Metric[]): void;
  flush(): Promise<void>;
}

export class MetricsSinkError extends Error {
  override readonly name = 'MetricsSinkError';
}
