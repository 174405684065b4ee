import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlJournal } from '../../src/adapters/file/jsonl-journal';

interface Rec {
  readonly id: string;
  readonly v: number;
  readonly note?: string;
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
const parsed = (path: string): Rec[] => lines(path).map((l) => JSON.parse(l) as Rec);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JsonlJournal', () => {
  let dir: string;
  let path: string;
  const journals: JsonlJournal[] = [];
  const journal = (flushDelayMs = 20): JsonlJournal => {
    const j = new JsonlJournal(path, { flushDelayMs });
    journals.push(j);
    return j;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-journal-'));
    path = join(dir, 'nested', 'state.jsonl');
  });
  afterEach(async () => {
    for (const j of journals.splice(0)) await j.close();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a missing file as empty, creating its folder', async () => {
    await expect(journal().open()).resolves.toEqual([]);
    expect(existsSync(path)).toBe(true);
  });

  it('drops a torn last line on open and truncates the file, so later appends are clean', async () => {
    const first = journal();
    await first.open();
    await first.append({ id: 'a', v: 1 }, true);
    await first.append({ id: 'b', v: 2, note: 'Zürich – café 🚀' }, true);
    await first.close();
    appendFileSync(path, '{"id":"c","v":3,"note":"torn – mid-wri');

    const second = journal();
    await expect(second.open()).resolves.toEqual([{ id: 'a', v: 1 }, { id: 'b', v: 2, note: 'Zürich – café 🚀' }]);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    expect(second.lineCount).toBe(2);
    await second.append({ id: 'd', v: 4 }, true);
    const expected = [{ id: 'a', v: 1 }, { id: 'b', v: 2, note: 'Zürich – café 🚀' }, { id: 'd', v: 4 }];
    expect(parsed(path)).toEqual(expected);
    await second.close();

    await expect(journal().open()).resolves.toEqual(expected);
  });

  it('drops a torn line even when the file holds nothing else', async () => {
    path = join(dir, 'only-torn.jsonl');
    writeFileSync(path, '{"id":"x","v"');
    const j = journal();
    await expect(j.open()).resolves.toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('');
    await j.append({ id: 'y', v: 1 }, true);
    expect(parsed(path)).toEqual([{ id: 'y', v: 1 }]);
  });

  it('resolves a durable append only once its line is in the file', async () => {
    const j = journal(60_000);
    await j.open();
    for (let i = 0; i < 20; i++) {
      await j.append({ id: `k${i}`, v: i }, true);
      expect(parsed(path).at(-1)).toEqual({ id: `k${i}`, v: i });
    }
  });

  it('writes a write-behind append within flushDelayMs, not at once', async () => {
    const flushDelayMs = 80;
    const j = journal(flushDelayMs);
    await j.open();
    const started = Date.now();
    await j.append({ id: 'behind', v: 1 }, false);
    expect(lines(path)).toEqual([]);
    while (lines(path).length === 0) {
      if (Date.now() - started > flushDelayMs + 1_000) throw new Error('the write-behind line never landed');
      await sleep(5);
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(flushDelayMs - 5);
    expect(elapsed).toBeLessThan(flushDelayMs + 300);
    expect(parsed(path)).toEqual([{ id: 'behind', v: 1 }]);
  });

  it('writes pending write-behind lines first when a durable append comes, in order', async () => {
    const j = journal(60_000);
    await j.open();
    void j.append({ id: 'w1', v: 1 }, false);
    void j.append({ id: 'w2', v: 2 }, false);
    await j.append({ id: 'd3', v: 3 }, true);
    expect(parsed(path).map((r) => r.id)).toEqual(['w1', 'w2', 'd3']);
  });

  it('writes one line per entity and batch: the newest, after every change appended before it', async () => {
    const j = journal(60_000);
    await j.open();
    for (let v = 1; v <= 500; v++) void j.append({ id: 'hot', v }, false, 'hot');
    void j.append({ id: 'other', v: 1 }, false);
    void j.append({ id: 'hot', v: 501 }, false, 'hot');
    expect(j.lineCount).toBe(2);
    await j.flush();
    expect(parsed(path)).toEqual([{ id: 'other', v: 1 }, { id: 'hot', v: 501 }]);

    // A line already written is never superseded: the next batch appends a newer one after it.
    void j.append({ id: 'hot', v: 502 }, false, 'hot');
    await j.flush();
    expect(parsed(path).map((r) => r.v)).toEqual([1, 501, 502]);
    expect(j.lineCount).toBe(3);
  });

  it('serialises an entity’s record only if it is still the newest when its batch is written', async () => {
    const j = journal(60_000);
    await j.open();
    const serialised: number[] = [];
    const record = (v: number) => ({ id: 'hot', v, toJSON: () => (serialised.push(v), { id: 'hot', v }) });
    for (let v = 1; v <= 100; v++) void j.append(record(v), false, 'hot');
    await j.flush();
    expect(serialised).toEqual([100]);
    expect(parsed(path)).toEqual([{ id: 'hot', v: 100 }]);
  });

  it('fails the callers of a batch whose record cannot be serialised, and the next batch still runs', async () => {
    const j = journal(60_000);
    await j.open();
    const cyclic: { id: string; self?: unknown } = { id: 'bad' };
    cyclic.self = cyclic;
    await expect(j.append(cyclic, true, 'bad')).rejects.toThrow(TypeError);
    await j.append({ id: 'good', v: 1 }, true, 'good');
    expect(parsed(path)).toEqual([{ id: 'good', v: 1 }]);
  });

  it('keeps a superseded durable append durable: it resolves once the newer line of its entity is on disk', async () => {
    const j = journal(60_000);
    await j.open();
    void j.append({ id: 'k', v: 1 }, false, 'k');
    const durable = j.append({ id: 'k', v: 2, note: 'revoked' }, true, 'k');
    void j.append({ id: 'k', v: 3, note: 'revoked' }, false, 'k');
    await durable;
    expect(parsed(path)).toEqual([{ id: 'k', v: 3, note: 'revoked' }]);
    await j.close();
    await expect(journal().open()).resolves.toEqual([{ id: 'k', v: 3, note: 'revoked' }]);
  });

  it('lets concurrent durable appends share fsyncs (group commit)', async () => {
    const j = journal();
    await j.open();
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const datasync = jest.spyOn(proto, 'datasync');

    await Promise.all(Array.from({ length: 100 }, (_, i) => j.append({ id: `c${i}`, v: i }, true)));
    const ids = parsed(path).map((r) => r.id);
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it('compacts to a snapshot that keeps every record, and the result survives a reopen', async () => {
    const j = journal(5);
    await j.open();
    const latest = new Map<string, Rec>();
    const put = (rec: Rec, durable: boolean) => {
      latest.set(rec.id, rec);
      return j.append(rec, durable);
    };
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 10; k++) await put({ id: `id${k}`, v: round * 100 + k }, round % 2 === 0);
    }
    expect(j.lineCount).toBe(50);

    // Appends race the compaction: some before it starts, some while it runs.
    const before = put({ id: 'late-1', v: 1 }, true);
    const compaction = j.compact(() => [...latest.values()]);
    const during = [put({ id: 'late-2', v: 2 }, true), put({ id: 'id3', v: 999 }, false)];
    await Promise.all([before, compaction, ...during]);
    await j.flush();
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(j.lineCount).toBeLessThan(20);

    const replay = (records: readonly unknown[]) => {
      const state = new Map<string, Rec>();
      for (const r of records as Rec[]) state.set(r.id, r);
      return state;
    };
    expect(replay(parsed(path))).toEqual(latest);
    await j.close();
    const reopened = journal();
    expect(replay(await reopened.open())).toEqual(latest);
    await reopened.append({ id: 'after', v: 1 }, true);
    expect(parsed(path).at(-1)).toEqual({ id: 'after', v: 1 });
  });
});
