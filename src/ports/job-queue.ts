import type { JobMessage } from '../domain/jobs/message';

export type { JobMessage };

/** One delivery of a message. Delivery is at least once: the same message can be delivered again. */
export interface Delivery {
  readonly messageId: string;
  /** Names this delivery: ack and retry with an older receipt do nothing once the message was delivered again. */
  readonly receipt: string;
  /** The message, or undefined when its body is not a job message (a poison message). */
  readonly message: JobMessage | undefined;
  readonly rawBody: string;
  /** 1 on the first delivery; a redriven message starts again at 1. */
  readonly receiveCount: number;
  readonly sentAt: number | undefined;
}

export interface SendOutcome {
  /** Indices (into the sent list) of messages the queue did not accept; empty when all were. */
  readonly failed: readonly number[];
}

export interface DeadLetter {
  readonly messageId: string;
  readonly message: JobMessage | undefined;
  readonly rawBody: string;
  readonly receiveCount: number;
  readonly sentAt: number | undefined;
  readonly deadLetteredAt: number | undefined;
}

export interface DeadLetterListing {
  /** All messages in the dead-letter queue (approximate where the queue only knows approximately). */
  readonly count: number;
  /** Up to the number asked for; a sample where the queue cannot list (SQS). */
  readonly messages: readonly DeadLetter[];
}

export type RedriveOutcome =
  /** Moved at once (Redis, memory). */
  | { readonly kind: 'moved'; readonly moved: number }
  /** Handed to the queue service, which moves them in the background (SQS message move task). */
  | { readonly kind: 'started'; readonly taskId: string; readonly approximateCount: number };

export interface QueueDepth {
  /** Visible now or after a delay. */
  readonly waiting: number;
  /** Delivered and not yet acked or released. */
  readonly inFlight: number;
  readonly deadLetters: number;
}

export interface ReceiveOptions {
  readonly max: number;
  /** How long to wait for a first message when none is visible (long polling); 0 returns at once. */
  readonly waitMs: number;
  /** Overrides the queue's visibility timeout for these deliveries. */
  readonly visibilityTimeoutMs?: number;
}

/**
 * The job queue: at-least-once delivery with a visibility timeout (a delivered message stays invisible until
 * it is acked or released, and reappears if the consumer dies), receive counts, and a dead-letter queue that
 * takes a message received more than `maxReceiveCount` times; the dead letters can be listed and redriven.
 */
export interface JobQueue {
  send(messages: readonly JobMessage[]): Promise<SendOutcome>;
  receive(options: ReceiveOptions): Promise<readonly Delivery[]>;
  /** Done: the message is removed for good. */
  ack(delivery: Delivery): Promise<void>;
  /** Not done: the message becomes visible again after `delayMs` (0: at once), keeping its receive count. */
  retry(delivery: Delivery, delayMs: number): Promise<void>;
  listDeadLetters(max: number): Promise<DeadLetterListing>;
  /** Moves every dead letter back to the queue, each with a fresh receive count. */
  redrive(): Promise<RedriveOutcome>;
  depth(): Promise<QueueDepth>;
}

export class JobQueueError extends Error {
  override readonly name = 'JobQueueError';
}
