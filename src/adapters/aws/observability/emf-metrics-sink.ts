import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Metric, MetricsSink, MetricUnit as PortUnit } from '../../../ports/metrics-sink';

const UNITS: Readonly<Record<PortUnit, (typeof MetricUnit)[keyof typeof MetricUnit]>> = {
  Milliseconds: MetricUnit.Milliseconds,
  Count: MetricUnit.Count,
  None: MetricUnit.NoUnit,
};

/**
 * CloudWatch metrics as Embedded Metric Format log lines (Powertools Metrics): no PutMetricData call on
 * the request path. Each metric carries its own vendor/model dimensions, so each is a single-metric line.
 */
export class EmfMetricsSink implements MetricsSink {
  constructor(private readonly metrics: Metrics) {}

  static create(namespace: string, serviceName: string): EmfMetricsSink {
    return new EmfMetricsSink(new Metrics({ namespace, serviceName }));
  }

  record(metrics: readonly Metric[]): void {
    for (const metric of metrics) {
      const single = this.metrics.singleMetric();
      for (const [name, value] of Object.entries(metric.dimensions)) {
        if (typeof value === 'string' && value !== '') single.addDimension(name, value);
      }
      single.addMetric(metric.name, UNITS[metric.unit], metric.value);
    }
  }

  flush(): Promise<void> {
    // Every metric is written as it is recorded (single-metric lines); publishing nothing would only warn.
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
    return Promise.resolve();
  }
}
