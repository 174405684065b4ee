import type { Delivery, JobQueue } from '../../ports/job-queue';
import type { Logger } from '../../ports/logger';
import { describeError } from '../sayings/pool-builder';
import type { JobItemProcessor, ProcessOutcome } from './job-item-processor';

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface JobWorkerSettings {
  /** Items processed at once by this worker. */
  readonly concurrency: number;
  /** Long-poll wait of one receive. */
  readonly pollWaitMs: number;
  /** After a failed receive (queue down), the wait before the next, doubling up to 8×. */
  readonly errorBackoffMs: number;
}

/**
 * A long-running consumer (the local server's in-process worker, `npm run worker`): receives up to
 * `concurrency` deliveries at a time, processes them, then acks or releases each with the processor's delay.
 * A worker killed mid-item acks nothing: its deliveries reappear after the visibility timeout.
 */
export class JobWorker {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  processed = 0;

  constructor(
    private readonly queue: JobQueue,
    private readonly processor: JobItemProcessor,
    private readonly logger: Logger,
    private readonly settings: JobWorkerSettings,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops receiving and waits for the items in progress (graceful shutdown). */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Waits until the queue has nothing visible or in flight and no item is being processed (tests, CLI). */
  async drained(pollMs = 20): Promise<void> {
    for (;;) {
      const depth = await this.queue.depth();
      if (depth.waiting === 0 && depth.inFlight === 0 && this.inFlight.size === 0) return;
      await sleep(pollMs);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (this.inFlight.size >= this.settings.concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let deliveries: readonly Delivery[];
      try {
        deliveries = await this.queue.receive({ max: this.settings.concurrency - this.inFlight.size, waitMs: this.settings.pollWaitMs });
        if (failures > 0) this.logger.info('job queue reachable again', {});
        failures = 0;
      } catch (error) {
        if (failures === 0) this.logger.warn('job queue receive failed; retrying', { error: describeError(error) });
        failures++;
        await sleep(this.settings.errorBackoffMs * 2 ** Math.min(3, failures - 1), this.abort.signal);
        continue;
      }
      for (const delivery of deliveries) {
        const task = this.handle(delivery).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
      }
    }
  }

  private async handle(delivery: Delivery): Promise<void> {
    const outcome: ProcessOutcome = await this.processor.process(delivery);
    try {
      if (outcome.kind === 'done') await this.queue.ack(delivery);
      else await this.queue.retry(delivery, outcome.delayMs);
    } catch (error) {
      // The message comes back after its visibility timeout; processing it again is safe.
      this.logger.warn('job message not settled on the queue', { messageId: delivery.messageId, outcome: outcome.kind, error: describeError(error) });
    }
    this.processed++;
  }
}
