import type { FeedbackRepo } from '../../src/ports/feedback-repo';
import type { SayingRepo } from '../../src/ports/saying-repo';
import { COLLECTION, generated, makeSaying, makeVote } from './support';

export interface SayingStore {
  readonly repo: SayingRepo;
  /** Used to cast the votes that `listVoted` and the counter checks need. */
  readonly feedback: FeedbackRepo;
  close(): Promise<void>;
}

/** The SayingRepo contract; `make` must return an empty store each time. */
export function sayingRepoContract(name: string, make: () => Promise<SayingStore>): void {
  describe(`SayingRepo contract: ${name}`, () => {
    let store: SayingStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers undefined for an unknown id', async () => {
      await expect(store.repo.get('no-such-saying')).resolves.toBeUndefined();
    });

    it('stores a saying with putIfAbsent and returns it whole from get', async () => {
      const saying = makeSaying({ origin: generated('openai', 'gpt-4.1'), generation: { llmTimeMs: 321, inputTokens: 40, outputTokens: 25, costNano: 1234 } });
      await store.repo.putIfAbsent(saying);
      await expect(store.repo.get(saying.id)).resolves.toEqual(saying);
    });

    it('never resets counters when the same saying is put again after a vote', async () => {
      const saying = makeSaying();
      await store.repo.putIfAbsent(saying);
      const outcome = await store.feedback.castVote(makeVote(saying.id, 'POSITIVE'));
      expect(outcome.kind).toBe('recorded');
      await store.repo.putIfAbsent({ ...saying, text: 'A different text under the same id.', upvotes: 0, downvotes: 0 });
      const stored = await store.repo.get(saying.id);
      expect(stored).toMatchObject({ upvotes: 1, downvotes: 0, text: saying.text });
      expect(await store.repo.count()).toBe(1);
    });

    it('lists only sayings of the collection in listCollection', async () => {
      const a = makeSaying({ origin: COLLECTION });
      const b = makeSaying({ origin: COLLECTION });
      const c = makeSaying({ origin: generated('anthropic', 'haiku') });
      for (const s of [a, b, c]) await store.repo.putIfAbsent(s);
      const ids = (await store.repo.listCollection()).map((s) => s.id).sort();
      expect(ids).toEqual([a.id, b.id].sort());
    });

    it('lists only voted sayings in listVoted, filtered by vendor and model', async () => {
      const col = makeSaying({ origin: COLLECTION });
      const gpt = makeSaying({ origin: generated('openai', 'gpt-4.1') });
      const mini = makeSaying({ origin: generated('openai', 'gpt-4.1-mini') });
      const haiku = makeSaying({ origin: generated('anthropic', 'haiku') });
      const unvoted = makeSaying({ origin: generated('openai', 'gpt-4.1') });
      for (const s of [col, gpt, mini, haiku, unvoted]) await store.repo.putIfAbsent(s);
      for (const s of [col, gpt, mini]) await store.feedback.castVote(makeVote(s.id, 'POSITIVE'));
      await store.feedback.castVote(makeVote(haiku.id, 'NEGATIVE'));

      const ids = async (vendor: 'openai' | 'anthropic' | undefined, model: string | undefined) =>
        (await store.repo.listVoted({ vendor, model })).map((s) => s.id).sort();
      expect(await ids(undefined, undefined)).toEqual([col.id, gpt.id, mini.id, haiku.id].sort());
      expect(await ids('openai', undefined)).toEqual([gpt.id, mini.id].sort());
      expect(await ids('anthropic', undefined)).toEqual([haiku.id]);
      expect(await ids(undefined, 'gpt-4.1')).toEqual([gpt.id]);
      expect(await ids('openai', 'gpt-4.1-mini')).toEqual([mini.id]);
      expect(await ids('anthropic', 'gpt-4.1')).toEqual([]);
      const voted = await store.repo.listVoted({ vendor: 'anthropic', model: 'haiku' });
      expect(voted[0]).toMatchObject({ upvotes: 0, downvotes: 1 });
    });

    it('counts every stored saying once', async () => {
      expect(await store.repo.count()).toBe(0);
      const sayings = [makeSaying(), makeSaying({ origin: generated('bedrock', 'claude-3-haiku') }), makeSaying()];
      for (const s of sayings) await store.repo.putIfAbsent(s);
      await store.repo.putIfAbsent(sayings[0] ?? makeSaying());
      expect(await store.repo.count()).toBe(3);
    });
  });
}
