import { awsRuntime, startAwsRuntime } from './aws-runtime';
import { sqsConsumer } from './sqs-consumer';

/** The jobs queue's consumer: SQS event source with ReportBatchItemFailures. */
export const handler = sqsConsumer(() => awsRuntime());

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
