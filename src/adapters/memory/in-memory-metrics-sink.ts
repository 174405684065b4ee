import type { Metric, MetricsSink } from '../../ports/metrics-sink';

/** Keeps the latest metrics in a bounded buffer, where tests and the local server can read them. */
export class InMemoryMetricsSink implements MetricsSink {
  private buffer: Metric[] = [];

  constructor(private readonly maxMetrics = 10_000) {}

  record(metrics: readonly Metric[]): void {
    for (const m of metrics) this.buffer.push(m);
    // Trim in batches: a copy per request would cost more than the metrics themselves.
    if (this.buffer.length > this.maxMetrics * 2) this.buffer = this.buffer.slice(-this.maxMetrics);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  recorded(): readonly Metric[] {
    return this.buffer.slice(-this.maxMetrics);
  }
}
