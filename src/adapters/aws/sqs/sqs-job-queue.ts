import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { decodeJobMessage, encodeJobMessage } from '../../../domain/jobs/message';
import {
  JobQueueError,
  type DeadLetter,
  type DeadLetterListing,
  type Delivery,
  type JobMessage,
  type JobQueue,
  type QueueDepth,
  type ReceiveOptions,
  type RedriveOutcome,
  type SendOutcome,
} from '../../../ports/job-queue';

export interface SqsJobQueueSettings {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** StartMessageMoveTask names the DLQ by ARN; read from the queue's attributes when not given. */
  readonly deadLetterQueueArn?: string;
}

/** SQS's own limits: 10 messages per batch call, 20 s long poll, 12 h visibility. */
const BATCH = 10;
const MAX_WAIT_S = 20;
const MAX_VISIBILITY_S = 43_200;

/**
 * The job queue on Amazon SQS (standard queue). Visibility, receive counts and the move to the dead-letter
 * queue after `maxReceiveCount` are SQS's own (the queue's redrive policy, set by the CDK stack); a retry
 * sets the message's visibility to the backoff delay. Redrive is SQS's message move task from the DLQ back
 * to its source queue. Every SDK failure becomes a JobQueueError with the SDK error as its cause.
 */
export class SqsJobQueue implements JobQueue {
  constructor(private readonly settings: SqsJobQueueSettings) {}

  async send(messages: readonly JobMessage[]): Promise<SendOutcome> {
    const failed: number[] = [];
    let lastError: unknown;
    for (let start = 0; start < messages.length; start += BATCH) {
      const chunk = messages.slice(start, start + BATCH);
      try {
        const out = await this.settings.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.settings.queueUrl,
            Entries: chunk.map((m, i) => ({ Id: String(start + i), MessageBody: encodeJobMessage(m) })),
          }),
        );
        for (const f of out.Failed ?? []) failed.push(Number(f.Id));
      } catch (error) {
        lastError = error;
        chunk.forEach((_, i) => failed.push(start + i));
      }
    }
    if (messages.length > 0 && failed.length === messages.length && lastError !== undefined) throw this.error('SendMessageBatch', lastError);
    return { failed: failed.sort((a, b) => a - b) };
  }

  async receive(options: ReceiveOptions): Promise<readonly Delivery[]> {
    const out = await this.call('ReceiveMessage', () =>
      this.settings.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.settings.queueUrl,
          MaxNumberOfMessages: Math.min(BATCH, Math.max(1, options.max)),
          WaitTimeSeconds: Math.min(MAX_WAIT_S, Math.ceil(Math.max(0, options.waitMs) / 1000)),
          ...(options.visibilityTimeoutMs === undefined ? {} : { VisibilityTimeout: seconds(options.visibilityTimeoutMs) }),
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      ),
    );
    return (out.Messages ?? []).flatMap((m) => (m.MessageId && m.ReceiptHandle ? [toDelivery(m, m.MessageId, m.ReceiptHandle)] : []));
  }

  async ack(delivery: Delivery): Promise<void> {
    await this.call('DeleteMessage', () =>
      this.settings.client.send(new DeleteMessageCommand({ QueueUrl: this.settings.queueUrl, ReceiptHandle: delivery.receipt })),
    );
  }

  async retry(delivery: Delivery, delayMs: number): Promise<void> {
    await this.call('ChangeMessageVisibility', () =>
      this.settings.client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: this.settings.queueUrl, ReceiptHandle: delivery.receipt, VisibilityTimeout: seconds(delayMs) }),
      ),
    );
  }

  /**
   * SQS cannot peek: listing receives from the DLQ with a visibility timeout of 0, so nothing is hidden from a
   * redrive that follows, and de-duplicates by message id. A sample, not a census, once the DLQ holds more
   * than a few batches (SQS returns a random subset of its servers' messages).
   */
  async listDeadLetters(max: number): Promise<DeadLetterListing> {
    const count = await this.approximateCount(this.settings.deadLetterQueueUrl);
    const seen = new Map<string, DeadLetter>();
    for (let call = 0; call < Math.ceil(max / BATCH) + 2 && seen.size < max; call++) {
      const out = await this.call('ReceiveMessage', () =>
        this.settings.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.settings.deadLetterQueueUrl,
            MaxNumberOfMessages: BATCH,
            VisibilityTimeout: 0,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
        ),
      );
      const fresh = (out.Messages ?? []).filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) {
        if (seen.size >= max) break;
        const d = toDelivery(m, m.MessageId as string, '');
        seen.set(d.messageId, { messageId: d.messageId, message: d.message, rawBody: d.rawBody, receiveCount: d.receiveCount, sentAt: d.sentAt, deadLetteredAt: undefined });
      }
    }
    return { count, messages: [...seen.values()] };
  }

  /** One message move task at a time per DLQ (an SQS rule): a running one is reported instead of a second. */
  async redrive(): Promise<RedriveOutcome> {
    const sourceArn = this.settings.deadLetterQueueArn ?? (await this.deadLetterQueueArn());
    const tasks = await this.call('ListMessageMoveTasks', () =>
      this.settings.client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 })),
    );
    const running = (tasks.Results ?? []).find((t) => t.Status === 'RUNNING');
    if (running?.TaskHandle) {
      const left = (running.ApproximateNumberOfMessagesToMove ?? 0) - (running.ApproximateNumberOfMessagesMoved ?? 0);
      return { kind: 'started', taskId: running.TaskHandle, approximateCount: Math.max(0, left) };
    }
    const approximateCount = await this.approximateCount(this.settings.deadLetterQueueUrl);
    // No DestinationArn: SQS moves each message back to the queue it was dead-lettered from.
    const started = await this.call('StartMessageMoveTask', () => this.settings.client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn })));
    if (!started.TaskHandle) throw new JobQueueError('SQS StartMessageMoveTask returned no task handle');
    return { kind: 'started', taskId: started.TaskHandle, approximateCount };
  }

  async depth(): Promise<QueueDepth> {
    const [main, dead] = await Promise.all([this.attributes(this.settings.queueUrl), this.approximateCount(this.settings.deadLetterQueueUrl)]);
    return {
      waiting: Number(main.ApproximateNumberOfMessages ?? 0) + Number(main.ApproximateNumberOfMessagesDelayed ?? 0),
      inFlight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0),
      deadLetters: dead,
    };
  }

  private async approximateCount(queueUrl: string): Promise<number> {
    return Number((await this.attributes(queueUrl)).ApproximateNumberOfMessages ?? 0);
  }

  private async attributes(queueUrl: string): Promise<Partial<Record<string, string>>> {
    const out = await this.call('GetQueueAttributes', () =>
      this.settings.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      ),
    );
    return out.Attributes ?? {};
  }

  private async deadLetterQueueArn(): Promise<string> {
    const out = await this.call('GetQueueAttributes', () =>
      this.settings.client.send(new GetQueueAttributesCommand({ QueueUrl: this.settings.deadLetterQueueUrl, AttributeNames: ['QueueArn'] })),
    );
    const arn = out.Attributes?.QueueArn;
    if (!arn) throw new JobQueueError('SQS GetQueueAttributes returned no QueueArn for the dead-letter queue');
    return arn;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.error(operation, error);
    }
  }

  /** The SDK error's name only: its message can carry request details we do not want in logs or responses. */
  private error(operation: string, cause: unknown): JobQueueError {
    const name = cause instanceof Error ? cause.name : 'unknown';
    return new JobQueueError(`SQS ${operation} failed (${name})`, { cause });
  }
}

function seconds(ms: number): number {
  return Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(ms / 1000)));
}

function toDelivery(m: Message, messageId: string, receipt: string): Delivery {
  const rawBody = m.Body ?? '';
  const sent = Number(m.Attributes?.SentTimestamp);
  return {
    messageId,
    receipt,
    message: decodeJobMessage(rawBody),
    rawBody,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    sentAt: Number.isFinite(sent) ? sent : undefined,
  };
}
