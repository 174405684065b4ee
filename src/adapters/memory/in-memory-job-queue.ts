import { decodeJobMessage, encodeJobMessage } from '../../domain/jobs/message';
import type { Clock } from '../../ports/clock';
import type {
  DeadLetterListing,
  Delivery,
  JobMessage,
  JobQueue,
  QueueDepth,
  ReceiveOptions,
  RedriveOutcome,
  SendOutcome,
} from '../../ports/job-queue';
import type { RandomSource } from '../../ports/random-source';

export interface InMemoryJobQueueSettings {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
}

interface Entry {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receives: number;
  visibleAt: number;
  receipt: string | undefined;
  /** Keeps the order of sends among messages visible at the same time. */
  readonly seq: number;
}

/**
 * SQS's semantics in one process, for unit tests and `npm start` without Redis: a delivered message is
 * invisible for the visibility timeout, reappears if not acked, and is moved to the dead-letter queue when it
 * would be delivered more than `maxReceiveCount` times. Nothing outlives the process (the local profile
 * re-queues unfinished jobs from their stored state when it starts).
 */
export class InMemoryJobQueue implements JobQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly dead = new Map<string, Entry & { deadAt: number }>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  constructor(private readonly settings: InMemoryJobQueueSettings) {}

  send(messages: readonly JobMessage[]): Promise<SendOutcome> {
    const now = this.settings.clock.now();
    for (const message of messages) {
      const id = this.settings.random.uuid();
      this.entries.set(id, { id, body: encodeJobMessage(message), sentAt: now, receives: 0, visibleAt: now, receipt: undefined, seq: this.seq++ });
    }
    for (const wake of [...this.waiters]) wake();
    return Promise.resolve({ failed: [] });
  }

  /** Injects a raw body, as a foreign producer could: the consumer must survive it (tests). */
  sendRaw(body: string): void {
    const now = this.settings.clock.now();
    const id = this.settings.random.uuid();
    this.entries.set(id, { id, body, sentAt: now, receives: 0, visibleAt: now, receipt: undefined, seq: this.seq++ });
  }

  async receive(options: ReceiveOptions): Promise<readonly Delivery[]> {
    const first = this.take(options);
    if (first.length > 0 || options.waitMs <= 0) return first;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(options.waitMs, this.untilNextVisible()));
      this.waiters.add(wake);
    });
    return this.take(options);
  }

  ack(delivery: Delivery): Promise<void> {
    const entry = this.entries.get(delivery.messageId);
    if (entry && entry.receipt === delivery.receipt) this.entries.delete(entry.id);
    return Promise.resolve();
  }

  retry(delivery: Delivery, delayMs: number): Promise<void> {
    const entry = this.entries.get(delivery.messageId);
    if (entry && entry.receipt === delivery.receipt) entry.visibleAt = this.settings.clock.now() + Math.max(0, delayMs);
    return Promise.resolve();
  }

  listDeadLetters(max: number): Promise<DeadLetterListing> {
    const messages = [...this.dead.values()].slice(0, Math.max(0, max)).map((e) => ({
      messageId: e.id,
      message: decodeJobMessage(e.body),
      rawBody: e.body,
      receiveCount: e.receives,
      sentAt: e.sentAt,
      deadLetteredAt: e.deadAt,
    }));
    return Promise.resolve({ count: this.dead.size, messages });
  }

  redrive(): Promise<RedriveOutcome> {
    const now = this.settings.clock.now();
    const moved = this.dead.size;
    for (const { deadAt: _deadAt, ...entry } of this.dead.values()) {
      this.entries.set(entry.id, { ...entry, receives: 0, visibleAt: now, receipt: undefined, seq: this.seq++ });
    }
    this.dead.clear();
    for (const wake of [...this.waiters]) wake();
    return Promise.resolve({ kind: 'moved', moved });
  }

  depth(): Promise<QueueDepth> {
    const now = this.settings.clock.now();
    const all = [...this.entries.values()];
    const waiting = all.filter((e) => e.visibleAt <= now).length;
    return Promise.resolve({ waiting, inFlight: all.length - waiting, deadLetters: this.dead.size });
  }

  private take(options: ReceiveOptions): Delivery[] {
    const now = this.settings.clock.now();
    const visibility = options.visibilityTimeoutMs ?? this.settings.visibilityTimeoutMs;
    const visible = [...this.entries.values()].filter((e) => e.visibleAt <= now).sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    const out: Delivery[] = [];
    for (const entry of visible) {
      if (out.length >= options.max) break;
      // As SQS: a message already received maxReceiveCount times goes to the DLQ instead of being delivered.
      if (entry.receives >= this.settings.maxReceiveCount) {
        this.entries.delete(entry.id);
        this.dead.set(entry.id, { ...entry, receipt: undefined, deadAt: now });
        continue;
      }
      entry.receives += 1;
      entry.receipt = `${entry.id}:${entry.receives}:${this.settings.random.uuid()}`;
      entry.visibleAt = now + visibility;
      out.push({
        messageId: entry.id,
        receipt: entry.receipt,
        message: decodeJobMessage(entry.body),
        rawBody: entry.body,
        receiveCount: entry.receives,
        sentAt: entry.sentAt,
      });
    }
    return out;
  }

  /** Real milliseconds until the next invisible message shows again, so a long poll wakes for it. */
  private untilNextVisible(): number {
    const now = this.settings.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) if (e.visibleAt > now) next = Math.min(next, e.visibleAt - now);
    return Math.max(1, next);
  }
}
