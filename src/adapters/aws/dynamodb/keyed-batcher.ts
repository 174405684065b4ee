interface Waiter<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(reason: unknown): void;
}

export interface KeyedBatcherOptions<T, R> {
  /** Most items handed to `run` at once. */
  readonly maxBatch: number;
  /** Items that share this value never go in one batch; a later one waits for the next. */
  readonly distinctBy: (item: T) => string;
  /** Settles one batch, a result per item in order; never rejects as a whole. */
  readonly run: (key: string, items: readonly T[]) => Promise<readonly PromiseSettledResult<R>[]>;
}

/**
 * Request coalescing per key: at most one batch per key is in flight in this process, and items submitted
 * meanwhile form the next batch. An item submitted to an idle key starts at once, so coalescing adds no
 * latency when there is no contention — and under contention it turns N concurrent writes to one hot item
 * into about one write per round trip.
 */
export class KeyedBatcher<T, R> {
  private readonly queues = new Map<string, Waiter<T, R>[]>();

  constructor(private readonly options: KeyedBatcherOptions<T, R>) {}

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiter = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiter);
        return;
      }
      this.queues.set(key, [waiter]);
      void this.drain(key);
    });
  }

  /** Runs batches for `key` until its queue is empty; the queue's presence in the map means "draining". */
  private async drain(key: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(key);
      if (!queue || queue.length === 0) {
        this.queues.delete(key);
        return;
      }
      const batch = this.take(queue);
      try {
        const results = await this.options.run(key, batch.map((w) => w.item));
        batch.forEach((waiter, i) => {
          const result = results[i];
          if (result?.status === 'fulfilled') waiter.resolve(result.value);
          else waiter.reject(result ? result.reason : new Error('the batch returned no result for an item'));
        });
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
  }

  private take(queue: Waiter<T, R>[]): Waiter<T, R>[] {
    const batch: Waiter<T, R>[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < this.options.maxBatch; ) {
      const waiter = queue[i] as Waiter<T, R>;
      const distinct = this.options.distinctBy(waiter.item);
      if (seen.has(distinct)) {
        i++;
        continue;
      }
      seen.add(distinct);
      batch.push(waiter);
      queue.splice(i, 1);
    }
    return batch;
  }
}
