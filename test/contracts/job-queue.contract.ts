import type { JobQueue } from '../../src/ports/job-queue';

export interface QueueHarness {
  readonly queue: JobQueue;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  /** Lets `ms` pass for the queue: a manual clock in memory, real time for Redis. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface QueueContractOptions {
  /** Cases this adapter cannot be held to here, each named; the runner says why. */
  readonly skip?: readonly string[];
}

/** The JobQueue contract: SQS's semantics (at least once, visibility timeout, receive counts, DLQ, redrive). */
export function jobQueueContract(name: string, make: () => Promise<QueueHarness>, options: QueueContractOptions = {}): void {
  const skip = new Set(options.skip ?? []);
  const used = new Set<string>();
  const test = (title: string, fn: () => Promise<void>) => {
    used.add(title);
    (skip.has(title) ? it.skip : it)(title, fn);
  };

  describe(`JobQueue contract: ${name}`, () => {
    let h: QueueHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });
    const receive = (max = 10) => h.queue.receive({ max, waitMs: 0 });

    test('delivers a sent message with its body and a first receive count', async () => {
      expect(await h.queue.send([{ jobId: 'job-a', item: 0 }, { jobId: 'job-a', item: 1 }])).toEqual({ failed: [] });
      const got = await receive();
      expect(got.map((d) => d.message).sort((a, b) => (a?.item ?? 0) - (b?.item ?? 0))).toEqual([
        { jobId: 'job-a', item: 0 },
        { jobId: 'job-a', item: 1 },
      ]);
      for (const d of got) {
        expect(d.receiveCount).toBe(1);
        expect(d.receipt).not.toBe('');
        expect(d.messageId).not.toBe('');
      }
    });

    test('an acked message is never delivered again', async () => {
      await h.queue.send([{ jobId: 'job-b', item: 0 }]);
      const [d] = await receive();
      expect(d).toBeDefined();
      await h.queue.ack(d!);
      await h.advance(h.visibilityTimeoutMs + 50);
      expect(await receive()).toEqual([]);
    });

    test('a delivered message stays invisible to other receivers until its visibility timeout', async () => {
      await h.queue.send([{ jobId: 'job-c', item: 0 }]);
      expect(await receive()).toHaveLength(1);
      expect(await receive()).toEqual([]);
    });

    test('a message not acked reappears after the visibility timeout with its receive count raised', async () => {
      await h.queue.send([{ jobId: 'job-d', item: 0 }]);
      const [first] = await receive();
      // The consumer "dies": no ack, no retry.
      await h.advance(h.visibilityTimeoutMs + 50);
      const [again] = await receive();
      expect(again?.messageId).toBe(first?.messageId);
      expect(again?.receiveCount).toBe(2);
      expect(again?.receipt).not.toBe(first?.receipt);
    });

    test('an ack with the receipt of an earlier delivery does not remove a message delivered again', async () => {
      await h.queue.send([{ jobId: 'job-e', item: 0 }]);
      const [first] = await receive();
      await h.advance(h.visibilityTimeoutMs + 50);
      const [second] = await receive();
      await h.queue.ack(first!);
      await h.advance(h.visibilityTimeoutMs + 50);
      const [third] = await receive();
      expect(third?.messageId).toBe(second?.messageId);
      expect(third?.receiveCount).toBe(3);
    });

    test('retry makes the message visible again after the delay, keeping its receive count', async () => {
      await h.queue.send([{ jobId: 'job-f', item: 0 }]);
      const [d] = await receive();
      await h.queue.retry(d!, 0);
      const [again] = await receive();
      expect(again?.messageId).toBe(d?.messageId);
      expect(again?.receiveCount).toBe(2);
      const delay = Math.max(100, Math.floor(h.visibilityTimeoutMs / 2));
      await h.queue.retry(again!, delay);
      expect(await receive()).toEqual([]);
      await h.advance(delay + 50);
      expect((await receive())[0]?.receiveCount).toBe(3);
    });

    test('moves a message to the dead-letter queue once it was delivered maxReceiveCount times', async () => {
      await h.queue.send([{ jobId: 'job-g', item: 7 }]);
      for (let n = 1; n <= h.maxReceiveCount; n++) {
        const [d] = await receive();
        expect(d?.receiveCount).toBe(n);
        await h.queue.retry(d!, 0);
      }
      expect(await receive()).toEqual([]);
      const dead = await h.queue.listDeadLetters(10);
      expect(dead.count).toBe(1);
      expect(dead.messages).toEqual([expect.objectContaining({ message: { jobId: 'job-g', item: 7 }, receiveCount: h.maxReceiveCount })]);
      expect(await h.queue.depth()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 1 });
    });

    test('redrive moves every dead letter back with a fresh receive count, and it is delivered', async () => {
      await h.queue.send([{ jobId: 'job-h', item: 0 }, { jobId: 'job-h', item: 1 }]);
      for (let n = 1; n <= h.maxReceiveCount; n++) for (const d of await receive()) await h.queue.retry(d, 0);
      expect(await receive()).toEqual([]);
      expect((await h.queue.listDeadLetters(10)).count).toBe(2);
      expect(await h.queue.redrive()).toEqual({ kind: 'moved', moved: 2 });
      expect((await h.queue.listDeadLetters(10)).count).toBe(0);
      const back = await receive();
      expect(back.map((d) => d.receiveCount)).toEqual([1, 1]);
      for (const d of back) await h.queue.ack(d);
      expect(await h.queue.depth()).toEqual({ waiting: 0, inFlight: 0, deadLetters: 0 });
    });

    test('concurrent receivers never get the same delivery', async () => {
      const messages = Array.from({ length: 30 }, (_, item) => ({ jobId: 'job-i', item }));
      await h.queue.send(messages);
      const batches = await Promise.all(Array.from({ length: 6 }, () => receive(10)));
      const ids = batches.flat().map((d) => d.messageId);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    });

    test('reports how many messages wait, are in flight and are dead', async () => {
      await h.queue.send([{ jobId: 'job-j', item: 0 }, { jobId: 'job-j', item: 1 }, { jobId: 'job-j', item: 2 }]);
      expect(await h.queue.depth()).toEqual({ waiting: 3, inFlight: 0, deadLetters: 0 });
      await receive(1);
      expect(await h.queue.depth()).toEqual({ waiting: 2, inFlight: 1, deadLetters: 0 });
    });
  });

  const unknown = [...skip].filter((s) => !used.has(s));
  if (unknown.length > 0) throw new Error(`No JobQueue contract case is named ${unknown.join(', ')}`);
}
