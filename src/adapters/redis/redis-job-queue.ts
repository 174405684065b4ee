import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { decodeJobMessage, encodeJobMessage } from '../../domain/jobs/message';
import {
  JobQueueError,
  type DeadLetterListing,
  type Delivery,
  type JobMessage,
  type JobQueue,
  type QueueDepth,
  type ReceiveOptions,
  type RedriveOutcome,
  type SendOutcome,
} from '../../ports/job-queue';
import { QUEUE_SCRIPTS, type QueueScript } from './job-queue-scripts';

export interface RedisJobQueueSettings {
  /** The process's shared connection (`T.Redis`). */
  readonly redis: Redis;
  /** e.g. `cs:local:`; the queue's keys are `<prefix>jobq:{<name>}:<part>`. */
  readonly keyPrefix: string;
  readonly queueName: string;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  /** Between empty receives while long polling (Redis has no blocking read of a sorted set by score). */
  readonly pollIntervalMs?: number;
}

const SEND_CHUNK = 100;
const REDRIVE_CHUNK = 100;

/**
 * A job queue in Redis with SQS's semantics (ADR 0019): one sorted set scored by the time each message becomes
 * visible, so a delivery simply moves its message into the future and a consumer that dies leaves it to come
 * back by itself. Receive counts, receipts and the dead-letter set are updated by Lua scripts, so two
 * consumers can never take the same delivery and a stale receipt cannot delete a message delivered again.
 * Every failure is a JobQueueError: unlike the cache, the queue is not optional.
 */
export class RedisJobQueue implements JobQueue {
  private readonly keys: readonly string[];
  private readonly pollIntervalMs: number;

  constructor(private readonly settings: RedisJobQueueSettings) {
    if (settings.visibilityTimeoutMs < 1) throw new RangeError('visibilityTimeoutMs must be at least 1 ms');
    const base = `${settings.keyPrefix}jobq:{${settings.queueName}}:`;
    this.keys = ['q', 'm', 'r', 't', 's', 'd'].map((part) => base + part);
    this.pollIntervalMs = settings.pollIntervalMs ?? 100;
  }

  async send(messages: readonly JobMessage[]): Promise<SendOutcome> {
    const failed: number[] = [];
    let lastError: unknown;
    for (let start = 0; start < messages.length; start += SEND_CHUNK) {
      const chunk = messages.slice(start, start + SEND_CHUNK);
      try {
        await this.run('send', QUEUE_SCRIPTS.send, chunk.flatMap((m) => [randomUUID(), encodeJobMessage(m)]));
      } catch (error) {
        lastError = error;
        chunk.forEach((_, i) => failed.push(start + i));
      }
    }
    if (messages.length > 0 && failed.length === messages.length) throw this.error('send', lastError);
    return { failed };
  }

  async receive(options: ReceiveOptions): Promise<readonly Delivery[]> {
    const deadline = Date.now() + Math.max(0, options.waitMs);
    for (;;) {
      const deliveries = await this.receiveOnce(options);
      if (deliveries.length > 0 || Date.now() >= deadline) return deliveries;
      await sleep(Math.min(this.pollIntervalMs, Math.max(1, deadline - Date.now())));
    }
  }

  async ack(delivery: Delivery): Promise<void> {
    await this.run('ack', QUEUE_SCRIPTS.ack, [delivery.messageId, delivery.receipt]);
  }

  async retry(delivery: Delivery, delayMs: number): Promise<void> {
    await this.run('retry', QUEUE_SCRIPTS.retry, [delivery.messageId, delivery.receipt, Math.max(0, Math.ceil(delayMs))]);
  }

  async listDeadLetters(max: number): Promise<DeadLetterListing> {
    const [, m, r, , s, d] = this.keys as [string, string, string, string, string, string];
    try {
      const count = await this.settings.redis.zcard(d);
      const flat = max > 0 ? await this.settings.redis.zrange(d, '0', String(max - 1), 'WITHSCORES') : [];
      const ids = flat.filter((_, i) => i % 2 === 0);
      if (ids.length === 0) return { count, messages: [] };
      const [bodies, receives, sent] = await Promise.all([this.settings.redis.hmget(m, ...ids), this.settings.redis.hmget(r, ...ids), this.settings.redis.hmget(s, ...ids)]);
      const messages = ids.map((id, i) => {
        const rawBody = bodies[i] ?? '';
        return {
          messageId: id,
          message: decodeJobMessage(rawBody),
          rawBody,
          receiveCount: Number(receives[i] ?? 0),
          sentAt: toNumber(sent[i]),
          deadLetteredAt: toNumber(flat[i * 2 + 1]),
        };
      });
      return { count, messages };
    } catch (error) {
      throw this.error('listDeadLetters', error);
    }
  }

  async redrive(): Promise<RedriveOutcome> {
    let moved = 0;
    // Each batch is one atomic script: a crash between batches leaves every message in exactly one place.
    for (;;) {
      const n = Number(await this.run('redrive', QUEUE_SCRIPTS.redrive, [REDRIVE_CHUNK]));
      moved += n;
      if (n < REDRIVE_CHUNK) return { kind: 'moved', moved };
    }
  }

  async depth(): Promise<QueueDepth> {
    const reply = (await this.run('depth', QUEUE_SCRIPTS.depth, [])) as unknown[];
    return { waiting: Number(reply[0]), inFlight: Number(reply[1]), deadLetters: Number(reply[2]) };
  }

  private async receiveOnce(options: ReceiveOptions): Promise<readonly Delivery[]> {
    const visibility = Math.max(1, Math.ceil(options.visibilityTimeoutMs ?? this.settings.visibilityTimeoutMs));
    const reply = await this.run('receive', QUEUE_SCRIPTS.receive, [Math.max(1, options.max), visibility, this.settings.maxReceiveCount, randomUUID()]);
    if (!Array.isArray(reply)) throw new JobQueueError('The receive script gave an unexpected reply');
    return reply.map((row: unknown) => {
      const [messageId, rawBody, receiveCount, receipt, sentAt] = row as [string, string, number, string, string];
      return { messageId, rawBody, message: decodeJobMessage(rawBody), receiveCount: Number(receiveCount), receipt, sentAt: toNumber(sentAt) };
    });
  }

  /** EVALSHA sends 40 bytes instead of the script; a server that has not seen it yet (or restarted) gets EVAL. */
  private async run(operation: string, script: QueueScript, args: readonly (string | number)[]): Promise<unknown> {
    const { redis } = this.settings;
    try {
      try {
        return await redis.evalsha(script.sha, this.keys.length, ...this.keys, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return await redis.eval(script.lua, this.keys.length, ...this.keys, ...args);
      }
    } catch (error) {
      throw this.error(operation, error);
    }
  }

  private error(operation: string, cause: unknown): JobQueueError {
    const reason = cause instanceof Error ? cause.message.slice(0, 200) : 'unknown failure';
    return new JobQueueError(`Redis job queue ${operation} failed: ${reason}`, { cause });
  }
}

function toNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
