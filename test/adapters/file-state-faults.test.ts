import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileState, type FileStateSettings } from '../../src/adapters/file/file-state';
import { JsonlJournal } from '../../src/adapters/file/jsonl-journal';
import { InMemoryFeedbackRepo } from '../../src/adapters/memory/in-memory-feedback-repo';
import { InMemorySayingRepo } from '../../src/adapters/memory/in-memory-saying-repo';
import { InMemoryUsageLedger } from '../../src/adapters/memory/in-memory-usage-ledger';
import { FeedbackRepoError } from '../../src/ports/feedback-repo';
import { makeSaying, makeUsage, makeVote, silentLogger } from '../contracts/support';

/** FileHandle is not exported; its prototype is reached through a handle. */
async function fileHandlePrototype(dir: string): Promise<{ write(...args: unknown[]): Promise<unknown> }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write(...args: unknown[]): Promise<unknown> };
  await probe.close();
  return proto;
}

describe('file state under faults', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-faults-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (): FileStateSettings => ({ dataDir: dir, flushDelayMs: 5, compactionRatio: 4, minLinesBeforeCompaction: 1_000_000, maxUsageEntries: 1000 });

  it('takes back a vote whose write failed and does not acknowledge it', async () => {
    const fileState = await FileState.open(settings(), silentLogger);
    const saying = makeSaying();
    await new InMemorySayingRepo(fileState.state).putIfAbsent(saying);
    const feedback = new InMemoryFeedbackRepo(fileState.state);
    jest.spyOn(await fileHandlePrototype(dir), 'write').mockRejectedValueOnce(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));

    const failed = makeVote(saying.id);
    await expect(feedback.castVote(failed)).rejects.toBeInstanceOf(FeedbackRepoError);
    expect(fileState.state.sayings.get(saying.id)).toMatchObject({ upvotes: 0, downvotes: 0 });
    expect(fileState.state.feedback.size).toBe(0);
    // The key is free again: the client's retry is a new vote, not a replay of a vote that never was.
    await expect(feedback.castVote({ ...failed })).resolves.toMatchObject({ kind: 'recorded', counts: { upvotes: 1, downvotes: 0 } });
    await fileState.close();

    const reopened = await FileState.open(settings(), silentLogger);
    expect(reopened.state.sayings.get(saying.id)).toMatchObject({ upvotes: 1, downvotes: 0 });
    expect(reopened.state.feedback.size).toBe(1);
    await reopened.close();
  });

  // Regression: a failed batch used to strand the durable appends queued behind it.
  it('settles a durable append that was queued behind a failed batch', async () => {
    const journal = new JsonlJournal(join(dir, 'state.jsonl'), { flushDelayMs: 5 });
    await journal.open();
    jest.spyOn(await fileHandlePrototype(dir), 'write').mockRejectedValueOnce(new Error('EIO'));
    const a = journal.append({ id: 'a' }, true);
    const b = journal.append({ id: 'b' }, true);
    await expect(a).rejects.toThrow('EIO');
    const settled = await Promise.race([b.then(() => 'written', () => 'rejected'), new Promise((r) => setTimeout(() => r('stranded'), 500))]);
    await journal.close();
    expect(settled).not.toBe('stranded');
  });

  // Regression: a vote record stores the saying's counters as applied in memory; a vote B applied while
  // vote A's write was in flight carries A, so when A fails the counts on disk must be recomputed on load.
  it('persists counters equal to the stored votes when a concurrent vote write failed', async () => {
    const fileState = await FileState.open(settings(), silentLogger);
    const saying = makeSaying();
    await new InMemorySayingRepo(fileState.state).putIfAbsent(saying);
    const feedback = new InMemoryFeedbackRepo(fileState.state);
    // A's write is slow and then fails; B arrives while it is in flight, so B goes in the next batch.
    jest.spyOn(await fileHandlePrototype(dir), 'write').mockImplementationOnce(async () => {
      await new Promise((r) => setTimeout(r, 30));
      throw new Error('EIO');
    });

    const a = feedback.castVote(makeVote(saying.id));
    const aFailed = expect(a).rejects.toBeInstanceOf(FeedbackRepoError);
    await new Promise((r) => setTimeout(r, 5));
    const b = feedback.castVote(makeVote(saying.id));
    await aFailed;
    await expect(b).resolves.toMatchObject({ kind: 'recorded' });
    expect(fileState.state.sayings.get(saying.id)).toMatchObject({ upvotes: 1 });
    await fileState.close();

    const reopened = await FileState.open(settings(), silentLogger);
    const stored = reopened.state.sayings.get(saying.id);
    await reopened.close();
    expect({ upvotes: stored?.upvotes, records: reopened.state.feedback.size }).toEqual({ upvotes: 1, records: 1 });
  });

  // Regression: batches used to jump ahead of a waiting compaction, so steady votes starved it.
  it('lets a compaction run while one client keeps voting', async () => {
    const fileState = await FileState.open({ ...settings(), compactionRatio: 1, minLinesBeforeCompaction: 20 }, silentLogger);
    const saying = makeSaying();
    await new InMemorySayingRepo(fileState.state).putIfAbsent(saying);
    const feedback = new InMemoryFeedbackRepo(fileState.state);
    let stop = false;
    const voter = (async () => {
      while (!stop) await feedback.castVote(makeVote(saying.id));
    })();
    await new Promise((r) => setTimeout(r, 500));
    const compactedUnderLoad = readFileSync(join(dir, 'state.jsonl'), 'utf8').includes('"t":"feedback"');
    stop = true;
    await voter;
    await fileState.close();
    expect(fileState.state.feedback.size).toBeGreaterThan(20);
    expect(compactedUnderLoad).toBe(true);
  });
});
