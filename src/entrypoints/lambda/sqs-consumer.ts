import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Container } from 'inversify';
import type { JobItemProcessor } from '../../application/jobs/job-item-processor';
import { decodeJobMessage } from '../../domain/jobs/message';
import type { Delivery, JobQueue } from '../../ports/job-queue';
import type { Logger } from '../../ports/logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { hasJobs } from '../container/jobs-bindings';
import { TOKENS } from '../container/tokens';

export interface ConsumerRuntime {
  readonly container: Container;
  readonly logger: Logger & { addContext?(context: Context): void };
  readonly metrics: MetricsSink;
}

export type SqsHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** An SQS record as the port's delivery: the receipt handle, SQS's receive count and sent time. */
export function toDelivery(record: SQSRecord): Delivery {
  const sent = Number(record.attributes.SentTimestamp);
  return {
    messageId: record.messageId,
    receipt: record.receiptHandle,
    message: decodeJobMessage(record.body),
    rawBody: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    sentAt: Number.isFinite(sent) ? sent : undefined,
  };
}

/**
 * The SQS event source's consumer (`ReportBatchItemFailures`): every record of the batch is processed in
 * parallel; a record whose item is not done is reported as a batch item failure after its visibility is set to
 * the backoff delay (ChangeMessageVisibility), so SQS shows it again then, counts the receive and, past
 * maxReceiveCount, moves it to the DLQ. Succeeded records are deleted by Lambda. Only a broken start (no
 * container) fails the whole invocation, so that the batch comes back untouched.
 */
export function sqsConsumer(runtime: () => Promise<ConsumerRuntime>): SqsHandler {
  return async (event, context) => {
    const rt = await runtime();
    if (context) rt.logger.addContext?.(context);
    if (!hasJobs(rt.container)) throw new Error('this deployment has no jobs (JOBS_TABLE is not set)');
    const processor = rt.container.get<JobItemProcessor>(TOKENS.JobItemProcessor);
    const queue = rt.container.get<JobQueue>(TOKENS.JobQueue);
    try {
      const failures = await Promise.all(event.Records.map((record) => consume(record, processor, queue, rt.logger)));
      return { batchItemFailures: failures.filter((f): f is SQSBatchItemFailure => f !== undefined) };
    } finally {
      await rt.metrics.flush().catch(() => undefined);
    }
  };
}

async function consume(record: SQSRecord, processor: JobItemProcessor, queue: JobQueue, logger: Logger): Promise<SQSBatchItemFailure | undefined> {
  const delivery = toDelivery(record);
  const outcome = await processor.process(delivery);
  if (outcome.kind === 'done') return undefined;
  try {
    await queue.retry(delivery, outcome.delayMs);
  } catch (error) {
    // It still comes back, after the queue's own visibility timeout instead of the backoff.
    logger.warn('job message visibility not changed', { messageId: record.messageId, error: error instanceof Error ? error.name : 'unknown' });
  }
  return { itemIdentifier: record.messageId };
}
