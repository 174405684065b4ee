import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueConsumerSpec } from '../functions';
import type { ApiFunction } from './api-function';

export interface JobQueuesProps {
  readonly namePrefix: string;
  /** The consumer's timeout: the queue's visibility timeout is six times it, as AWS advises for Lambda. */
  readonly consumer: Pick<QueueConsumerSpec, 'timeoutSeconds'>;
  /** Deliveries before SQS moves a message to the DLQ; the functions get the same number (JOBS_MAX_RECEIVE_COUNT). */
  readonly maxReceiveCount: number;
  readonly retain: boolean;
}

/**
 * The jobs queue (seed 002's async path) and its dead-letter queue (ADR 0019): a standard queue (at least once;
 * the consumer is idempotent, so FIFO's exactly-once processing would buy nothing but a 300 msg/s ceiling per
 * group), SSE with SQS-managed keys (no KMS grant needed by anyone), TLS required, and a redrive policy that
 * dead-letters a message after `maxReceiveCount` deliveries. The DLQ keeps messages 14 days (SQS's maximum),
 * longer than the queue's 4, because a message's age counts from its first enqueue.
 */
export class JobQueues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: JobQueuesProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.maxReceiveCount = props.maxReceiveCount;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.namePrefix}-jobs-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-jobs`,
      visibilityTimeout: Duration.seconds(props.consumer.timeoutSeconds * 6),
      retentionPeriod: Duration.days(4),
      receiveMessageWaitTime: Duration.seconds(20),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy,
    });
  }

  /** What the jobs functions read (JOBS_*); the same names the config schema validates. */
  environment(): Record<string, string> {
    return {
      JOBS_QUEUE: 'sqs',
      JOBS_QUEUE_URL: this.queue.queueUrl,
      JOBS_DLQ_URL: this.deadLetterQueue.queueUrl,
      JOBS_MAX_RECEIVE_COUNT: String(this.maxReceiveCount),
    };
  }

  /** SendMessage (SendMessageBatch needs no other action) on the queue alone. */
  allowSend(fn: ApiFunction): void {
    fn.allow(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
  }

  /**
   * The SQS event source with ReportBatchItemFailures, and exactly the actions it and the consumer call on the
   * queue: Receive/Delete/GetQueueAttributes for Lambda's poller, ChangeMessageVisibility for our backoff.
   * Built as a plain mapping, so that CDK adds no grant of its own (it would add GetQueueUrl too).
   */
  connectConsumer(fn: ApiFunction, spec: QueueConsumerSpec): void {
    fn.allow(
      new iam.PolicyStatement({
        actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    const mapping = fn.function.addEventSourceMapping('JobsQueue', {
      eventSourceArn: this.queue.queueArn,
      batchSize: spec.batchSize,
      maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: spec.maxConcurrency,
    });
    // The mapping validates its permissions on creation: the role's policy must exist first.
    mapping.node.addDependency(fn.role);
  }

  /** Any message in the DLQ is a job item that gave up: alarm (and clear) into the stack's alarm topic. */
  alarmInto(topic: sns.ITopic, envPrefix: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: `${envPrefix}-jobs-dlq-depth`,
      alarmDescription: 'Job items in the dead-letter queue: see `npm run jobs -- dlq list`, fix the cause, then `npm run jobs -- dlq redrive`',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    alarm.addOkAction(new actions.SnsAction(topic));
    return alarm;
  }
}
