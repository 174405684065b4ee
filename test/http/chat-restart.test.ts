import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chat, recordModelCalls, type RecordedCall } from '../support/chat';
import { startHarness } from '../support/local-harness';

describe('chat sessions of the local app live in DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-chat-persist-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir };

  it('a turn is on disk before its answer goes out, and the session carries on after a restart', async () => {
    const first = await startHarness({ env, inMemory: false });
    let sessionId: string;
    let cleared: string;
    try {
      sessionId = (await chat(first, 'sendMessage', { message: 'What is Amazon S3?' }).expect(200)).body.sessionId;
      await chat(first, 'sendMessage', { message: 'And Amazon EBS?', sessionId }).expect(200);
      // Durable like a vote: the journal already holds the session's newest version, before any close or flush.
      const lines = readFileSync(join(dataDir, 'state.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; session?: { id: string; turns: unknown[] } });
      const stored = lines.filter((l) => l.t === 'session' && l.session?.id === sessionId);
      expect(stored.at(-1)?.session?.turns).toHaveLength(2);
      cleared = (await chat(first, 'sendMessage', { message: 'Something about AWS Lambda' }).expect(200)).body.sessionId;
      await chat(first, 'clearSession', { sessionId: cleared }).expect(200);
    } finally {
      await first.close();
    }

    let calls: RecordedCall[] = [];
    const second = await startHarness({ env, inMemory: false, configure: (c) => void (calls = recordModelCalls(c)) });
    try {
      const history = (await chat(second, 'getHistory', { sessionId }).expect(200)).body;
      expect(history.turns.map((t: { message: string }) => t.message)).toEqual(['What is Amazon S3?', 'And Amazon EBS?']);
      const next = (await chat(second, 'sendMessage', { message: 'Which is cheaper?', sessionId }).expect(200)).body;
      expect(next).toMatchObject({ sessionId, newSession: false, historyTurns: 2, turnCount: 3 });
      expect(calls[0]?.request.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['What is Amazon S3?', 'And Amazon EBS?', 'Which is cheaper?']);
      expect((await chat(second, 'getHistory', { sessionId: cleared }).expect(200)).body.turns).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
