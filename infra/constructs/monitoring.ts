import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { EnvironmentSettings } from '../environments';
import type { FunctionSpec } from '../functions';
import type { ApiFunction } from './api-function';

export interface MonitoringProps {
  readonly envName: string;
  readonly api: apigwv2.HttpApi;
  readonly functions: readonly { readonly spec: FunctionSpec; readonly construct: ApiFunction }[];
  /** Namespace and `service` dimension of the application's EMF metrics (Powertools). */
  readonly namespace: string;
  readonly serviceName: string;
  readonly settings: Pick<EnvironmentSettings, 'hourlyCostAlarmUsd' | 'apiP95LatencyAlarm' | 'functionErrorsAlarm'>;
  /** With the optional Redis: alarm when an adapter reports it unavailable (the DependencyAvailable metric). */
  readonly redis?: boolean;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
}

/**
 * Alarms (into one SNS topic) and a dashboard. The application's own metrics carry vendor/model
 * dimensions, and CloudWatch never sums across dimensions by itself, so cost, tokens, cache hits and LLM
 * latency are read with Metrics Insights queries over the namespace, filtered to this deployment's service.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const prefix = `cloud-sayings-${props.envName}`;
    this.topic = new sns.Topic(this, 'Alarms', { displayName: `${prefix} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(new actions.SnsAction(this.topic));
      created.addOkAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };

    const insights = (select: string, label: string | undefined, period: Duration, groupBy?: string) =>
      new cloudwatch.MathExpression({
        expression: `${select} FROM "${props.namespace}" WHERE service = '${props.serviceName}'${groupBy ? ` GROUP BY ${groupBy}` : ''}`,
        label,
        period,
      });

    // Errors: the handlers turn exceptions into error responses, so a function's Errors metric counts
    // crashes and timeouts; failed requests show in the API's 5xx rate below.
    for (const { spec, construct } of props.functions) {
      const fn = construct.function;
      alarm(`${spec.name}-errors`, {
        alarmName: `${prefix}-${spec.name}-errors`,
        alarmDescription: `${spec.name}: ${props.settings.functionErrorsAlarm}+ invocation errors (crash or timeout) in 5 minutes`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: props.settings.functionErrorsAlarm,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${spec.name}-duration-p95`, {
        alarmName: `${prefix}-${spec.name}-duration-p95`,
        alarmDescription:
          spec.p95AlarmMs === undefined
            ? `${spec.name}: p95 duration above 80 % of its ${spec.timeoutSeconds} s timeout for 15 minutes`
            : `${spec.name}: p95 duration above its ${spec.p95AlarmMs} ms promise for 15 minutes`,
        metric: fn.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.percentile(95) }),
        threshold: spec.p95AlarmMs ?? spec.timeoutSeconds * 1000 * 0.8,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    alarm('api-latency-p95', {
      alarmName: `${prefix}-api-latency-p95`,
      alarmDescription: `API p95 latency above ${props.settings.apiP95LatencyAlarm.toMilliseconds()} ms for 15 minutes`,
      metric: props.api.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.percentile(95) }),
      threshold: props.settings.apiP95LatencyAlarm.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('api-5xx-rate', {
      alarmName: `${prefix}-api-5xx-rate`,
      alarmDescription: 'More than 5 % of API requests answered 5xx in 5 minutes (with at least 20 requests)',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * failed / requests, 0)',
        usingMetrics: {
          requests: props.api.metricCount({ statistic: cloudwatch.Stats.SUM }),
          failed: props.api.metricServerError({ statistic: cloudwatch.Stats.SUM }),
        },
        period: Duration.minutes(5),
        label: '5xx %',
      }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('hourly-cost', {
      alarmName: `${prefix}-hourly-cost`,
      alarmDescription: `LLM spend above $${props.settings.hourlyCostAlarmUsd} in one hour (sum of the Cost metric, USD)`,
      metric: insights('SELECT SUM(Cost)', 'Cost (USD / hour)', Duration.hours(1)),
      threshold: props.settings.hourlyCostAlarmUsd,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.redis) {
      // Emitted once per change of state (0 = lost, 1 = back): any 0 in a period means an outage began. Requests
      // keep succeeding meanwhile (cache bypassed, limits in process), so no 5xx alarm would catch it.
      alarm('redis-unavailable', {
        alarmName: `${prefix}-redis-unavailable`,
        alarmDescription: 'An instance lost Redis: cache bypassed and rate limits per instance until it is back',
        metric: insights("SELECT MIN(DependencyAvailable)", "Redis available (min)", Duration.minutes(5)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    const perFunction = (metric: (fn: ApiFunction) => cloudwatch.IMetric) => props.functions.map(({ construct }) => metric(construct));
    const width = 12;
    const height = 6;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Requests',
            width,
            height,
            left: [props.api.metricCount({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), label: 'API requests' })],
            right: perFunction((c) => c.function.metricInvocations({ period: Duration.minutes(1), label: `${c.node.id} invocations` })),
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (ms)',
            width,
            height,
            left: [50, 95, 99].map((p) =>
              props.api.metricLatency({ statistic: cloudwatch.Stats.percentile(p), period: Duration.minutes(1), label: `p${p}` }),
            ),
            right: perFunction((c) =>
              c.function.metricDuration({ statistic: cloudwatch.Stats.percentile(95), period: Duration.minutes(1), label: `${c.node.id} p95` }),
            ),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Errors',
            width,
            height,
            left: [
              props.api.metricServerError({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), label: 'API 5xx' }),
              props.api.metricClientError({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), label: 'API 4xx' }),
            ],
            right: perFunction((c) => c.function.metricErrors({ period: Duration.minutes(1), label: `${c.node.id} errors` })),
          }),
          new cloudwatch.GraphWidget({
            title: 'LLM cost (USD) by model',
            width,
            height,
            left: [insights('SELECT SUM(Cost)', undefined, Duration.minutes(5), 'model')],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Tokens by model',
            width,
            height,
            left: [insights('SELECT SUM(TokensUsed)', undefined, Duration.minutes(5), 'model')],
          }),
          new cloudwatch.GraphWidget({
            title: 'Cache hit rate and LLM latency',
            width,
            height,
            left: [insights('SELECT AVG(CacheHit)', 'cache hit rate (0–1)', Duration.minutes(5))],
            right: [insights('SELECT AVG(APILatency)', undefined, Duration.minutes(5), 'model')],
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, height: 4, alarms: this.alarms })],
      ],
    });
  }
}
