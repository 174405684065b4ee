import type { Metric, MetricsSink } from '../../ports/metrics-sink';

/** Keeps the latest metrics in a bounded buffer, where tests and the local server can read them. */
export class InMemoryMetricsSink implements MetricsSink {
  private buffer: Metric[] = [];

  constructor(private readonly maxMetrics = 10_000) {}

  record(metrics: readonly Metric[]): void {
    this.buffer.push(...metrics);
    if (this.buffer.length > this.maxMetrics) this.buffer = this.buffer.slice(-this.maxMetrics);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  recorded(): readonly Metric[] {
    return this.buffer;
  }
}
