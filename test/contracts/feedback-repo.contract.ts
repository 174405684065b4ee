import type { FeedbackRepo, VoteOutcome } from '../../src/ports/feedback-repo';
import type { SayingRepo } from '../../src/ports/saying-repo';
import { makeSaying, makeVote, retryOf } from './support';

export interface FeedbackStore {
  /** Used to seed the sayings that votes go to. */
  readonly repo: SayingRepo;
  readonly feedback: FeedbackRepo;
  close(): Promise<void>;
  /** For durable adapters: closes this store and opens a new one on the same data. */
  reopen?(): Promise<FeedbackStore>;
}

/** The FeedbackRepo contract; `make` must return an empty store each time. */
export function feedbackRepoContract(name: string, make: () => Promise<FeedbackStore>): void {
  describe(`FeedbackRepo contract: ${name}`, () => {
    let store: FeedbackStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    async function seeded(): Promise<string> {
      const saying = makeSaying();
      await store.repo.putIfAbsent(saying);
      return saying.id;
    }

    it('records a vote and answers the new counts', async () => {
      const id = await seeded();
      const up = makeVote(id, 'POSITIVE');
      await expect(store.feedback.castVote(up)).resolves.toEqual({ kind: 'recorded', counts: { upvotes: 1, downvotes: 0 }, feedbackId: up.record.id });
      const down = makeVote(id, 'NEGATIVE');
      await expect(store.feedback.castVote(down)).resolves.toEqual({ kind: 'recorded', counts: { upvotes: 1, downvotes: 1 }, feedbackId: down.record.id });
      expect(await store.repo.get(id)).toMatchObject({ upvotes: 1, downvotes: 1 });
      const all = await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER });
      expect(all.map((f) => f.id).sort()).toEqual([up.record.id, down.record.id].sort());
      expect(all.find((f) => f.id === up.record.id)).toEqual(up.record);
    });

    it('answers saying-not-found for an unknown saying and stores nothing', async () => {
      await expect(store.feedback.castVote(makeVote('no-such-saying'))).resolves.toEqual({ kind: 'saying-not-found' });
      expect(await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
    });

    it('replays the same key with the same fingerprint without counting it again', async () => {
      const id = await seeded();
      const vote = makeVote(id, 'POSITIVE');
      await store.feedback.castVote(vote);
      await store.feedback.castVote(makeVote(id, 'NEGATIVE'));
      const replay = await store.feedback.castVote(retryOf(vote));
      expect(replay).toEqual({ kind: 'replayed', counts: { upvotes: 1, downvotes: 1 }, feedbackId: vote.record.id });
      expect(await store.repo.get(id)).toMatchObject({ upvotes: 1, downvotes: 1 });
      expect(await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).toHaveLength(2);
    });

    it('refuses the same key with another fingerprint as a conflict, changing nothing', async () => {
      const id = await seeded();
      const vote = makeVote(id, 'POSITIVE');
      await store.feedback.castVote(vote);
      const other = { record: { ...retryOf(vote).record, feedbackType: 'NEGATIVE' as const }, fingerprint: 'fp:another-body' };
      await expect(store.feedback.castVote(other)).resolves.toEqual({ kind: 'conflict' });
      expect(await store.repo.get(id)).toMatchObject({ upvotes: 1, downvotes: 0 });
      expect(await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).toHaveLength(1);
    });

    it('keeps exact totals under 200 concurrent votes with 5 % replayed concurrently', async () => {
      const id = await seeded();
      const votes = Array.from({ length: 200 }, (_, i) => makeVote(id, i % 3 === 0 ? 'NEGATIVE' : 'POSITIVE'));
      const retried = votes.filter((_, i) => i % 20 === 7); // 10 of 200
      const calls = [...votes];
      // Spread the retries through the batch: some land right behind their original, some far after it.
      retried.forEach((v, i) => calls.splice(Math.min(calls.length, 15 + i * 19), 0, retryOf(v)));
      expect(calls).toHaveLength(210);

      const outcomes: VoteOutcome[] = await Promise.all(calls.map((v) => store.feedback.castVote(v)));
      expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(200);
      expect(outcomes.filter((o) => o.kind === 'replayed')).toHaveLength(10);

      // Every key has exactly one feedback id, and its replay answered that id.
      const idsByKey = new Map<string, Set<string>>();
      calls.forEach((v, i) => {
        const o = outcomes[i];
        if (o?.kind !== 'recorded' && o?.kind !== 'replayed') throw new Error(`unexpected outcome ${JSON.stringify(o)}`);
        const set = idsByKey.get(v.record.idempotencyKey) ?? new Set<string>();
        set.add(o.feedbackId);
        idsByKey.set(v.record.idempotencyKey, set);
      });
      expect(idsByKey.size).toBe(200);
      for (const set of idsByKey.values()) expect(set.size).toBe(1);

      const negatives = votes.filter((v) => v.record.feedbackType === 'NEGATIVE').length;
      expect(await store.repo.get(id)).toMatchObject({ upvotes: 200 - negatives, downvotes: negatives });
      const stored = await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER });
      expect(stored).toHaveLength(200);
      expect(new Set(stored.map((f) => f.idempotencyKey)).size).toBe(200);
      if (store.reopen) {
        store = await store.reopen();
        expect(await store.repo.get(id)).toMatchObject({ upvotes: 200 - negatives, downvotes: negatives });
        expect(await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).toHaveLength(200);
      }
    });

    it('keeps votes, counts and idempotency keys across a reopen (durable adapters)', async () => {
      if (!store.reopen) return;
      const id = await seeded();
      const up = makeVote(id, 'POSITIVE');
      await store.feedback.castVote(up);
      await store.feedback.castVote(makeVote(id, 'NEGATIVE'));
      store = await store.reopen();
      expect(await store.repo.get(id)).toMatchObject({ upvotes: 1, downvotes: 1 });
      expect(await store.feedback.list({ from: 0, to: Number.MAX_SAFE_INTEGER })).toHaveLength(2);
      await expect(store.feedback.castVote(retryOf(up))).resolves.toEqual({ kind: 'replayed', counts: { upvotes: 1, downvotes: 1 }, feedbackId: up.record.id });
      await expect(store.feedback.castVote({ ...retryOf(up), fingerprint: 'fp:changed' })).resolves.toEqual({ kind: 'conflict' });
    });

    it('lists feedback in a range with both bounds inclusive', async () => {
      const id = await seeded();
      const at = [1_000, 2_000, 3_000, 4_000];
      const votes = at.map((t) => makeVote(id, 'POSITIVE', { at: t }));
      for (const v of votes) await store.feedback.castVote(v);
      const times = async (from: number, to: number) => (await store.feedback.list({ from, to })).map((f) => f.at).sort((a, b) => a - b);
      expect(await times(2_000, 3_000)).toEqual([2_000, 3_000]);
      expect(await times(2_001, 2_999)).toEqual([]);
      expect(await times(1_000, 1_000)).toEqual([1_000]);
      expect(await times(0, 999)).toEqual([]);
      expect(await times(4_000, 9_000)).toEqual([4_000]);
    });
  });
}
