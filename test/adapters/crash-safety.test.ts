import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { FileState } from '../../src/adapters/file/file-state';
import { InMemoryFeedbackRepo } from '../../src/adapters/memory/in-memory-feedback-repo';
import type { Logger } from '../../src/ports/logger';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const SAYING = 'crash-test-saying';
const ACKS_BEFORE_KILL = 200;

interface Round {
  readonly acked: readonly string[];
  readonly stderr: string;
}

/** Runs the child until it acknowledged enough votes, SIGKILLs it mid-stream and collects every ack it printed. */
function runAndKill(script: string, dataDir: string, compact: boolean): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dataDir, SAYING, '8', compact ? '1' : '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not reach ${ACKS_BEFORE_KILL} acks in time (got ${acked.length}); stderr: ${stderr}`));
    }, 8_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (!killed && acked.length >= ACKS_BEFORE_KILL) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    // 'close' fires after the exit and after stdout has been read to its end: late acks are counted too.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`child ended with ${code}/${signal} before the kill; stderr: ${stderr}`));
      resolve({ acked, stderr });
    });
  });
}

describe('crash safety of the file state (a real SIGKILL of a voting process)', () => {
  const work = mkdtempSync(join(tmpdir(), 'cs-crash-'));
  const dataDir = join(work, 'data');
  const script = join(work, 'vote-child.js');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('keeps every acknowledged vote and consistent counters across three kills', async () => {
    const started = Date.now();
    buildSync({
      entryPoints: [join(__dirname, 'fixtures', 'vote-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: script,
      logLevel: 'silent',
    });

    const allAcked = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const compacting = round === 1;
      const { acked, stderr } = await runAndKill(script, dataDir, compacting);
      expect(stderr).toBe('');
      // In the compacting round the file was rewritten as a snapshot (feedback records) before the kill.
      if (compacting) expect(readFileSync(join(dataDir, 'state.jsonl'), 'utf8')).toContain('"t":"feedback"');
      expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
      for (const id of acked) allAcked.add(id);

      // It opens (a torn tail is dropped, nothing else is lost) and holds every acknowledged vote.
      const fileState = await FileState.open(
        { dataDir, flushDelayMs: 5, compactionRatio: 4, minLinesBeforeCompaction: 1_000_000, maxUsageEntries: 1_000_000 },
        quiet,
      );
      try {
        const { state } = fileState;
        const saying = state.sayings.get(SAYING);
        if (!saying) throw new Error('the saying is gone');
        const votes = [...state.feedback.values()].filter((f) => f.sayingId === SAYING);
        const missing = [...allAcked].filter((id) => !state.feedback.has(id));
        expect(missing).toEqual([]);
        expect(saying.upvotes + saying.downvotes).toBeGreaterThanOrEqual(allAcked.size);
        expect(saying.upvotes + saying.downvotes).toBe(votes.length);
        expect(saying.upvotes).toBe(votes.filter((f) => f.feedbackType === 'POSITIVE').length);
        // Idempotency keys survive as well: an acknowledged vote sent again is a replay.
        const last = acked.at(-1) ?? '';
        const original = state.feedback.get(last);
        if (!original) throw new Error(`acknowledged vote ${last} is missing`);
        const replay = await new InMemoryFeedbackRepo(state).castVote({ record: { ...original, id: 'retry' }, fingerprint: `fp-${last}` });
        expect(replay).toMatchObject({ kind: 'replayed', feedbackId: last });
      } finally {
        await fileState.close();
      }
      // After the parent's open, the file ends on a whole line again.
      expect(readFileSync(join(dataDir, 'state.jsonl'), 'utf8').endsWith('\n')).toBe(true);
    }
    expect(allAcked.size).toBeGreaterThanOrEqual(3 * ACKS_BEFORE_KILL);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
