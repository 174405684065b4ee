import { SessionWriter } from '../../src/application/chat/session-writer';
import { newSession, withTurn, type ChatSession, type ChatTurn } from '../../src/domain/chat/chat-session';
import type { SessionRepo } from '../../src/ports/session-repo';
import { ManualClock } from './support';

export interface SessionStore {
  readonly sessions: SessionRepo;
  close(): Promise<void>;
  /** The same stored data through new adapters (a restart, another instance), where the store has one. */
  reopen?(): Promise<SessionStore>;
}

const TTL = 60_000;
let seq = 0;
const id = () => `0000${++seq}-${process.pid}-session`;

export const makeTurn = (i: number, overrides: Partial<ChatTurn> = {}): ChatTurn => ({
  id: `turn-${i}`,
  at: 1_700_000_000_000 + i,
  message: `Question ${i}: what does Amazon S3 do? 雲 ☁️`,
  reply: `Answer ${i}: object storage. 「バケツに底はない」`,
  language: 'ja',
  model: 'haiku',
  offline: true,
  cached: i % 2 === 0,
  ...overrides,
});

/** The SessionRepo contract; `make` gets the clock the adapter must read and returns an empty store. */
export function sessionRepoContract(name: string, make: (clock: ManualClock) => Promise<SessionStore>): void {
  describe(`SessionRepo contract: ${name}`, () => {
    let clock: ManualClock;
    let store: SessionStore;
    beforeEach(async () => {
      // Real time: DynamoDB Local sweeps items whose TTL is past in real time, so a 2023 clock would see sessions vanish.
      clock = new ManualClock(Date.now());
      store = await make(clock);
    });
    afterEach(async () => {
      await store.close();
    });

    const first = (turns = 1): ChatSession => {
      let s = newSession(id(), clock.now(), TTL);
      for (let i = 0; i < turns; i++) s = withTurn(s, makeTurn(i), 10, clock.now(), TTL);
      return { ...s, version: 1 };
    };

    it('knows no session it was never given', async () => {
      await expect(store.sessions.get('11111111-1111-4111-8111-111111111111')).resolves.toBeUndefined();
    });

    it('stores a new session and returns it whole, Unicode included', async () => {
      const s = first(3);
      await expect(store.sessions.save(s, undefined)).resolves.toBe('saved');
      await expect(store.sessions.get(s.id)).resolves.toEqual(s);
    });

    it('refuses to create a session that exists, and keeps the first', async () => {
      const s = first(1);
      await store.sessions.save(s, undefined);
      await expect(store.sessions.save({ ...s, turns: [] }, undefined)).resolves.toBe('conflict');
      await expect(store.sessions.get(s.id)).resolves.toEqual(s);
    });

    it('writes a new version only over the version it names', async () => {
      const v1 = first(1);
      await store.sessions.save(v1, undefined);
      const v2 = withTurn(v1, makeTurn(1), 10, clock.now(), TTL);
      await expect(store.sessions.save(v2, 1)).resolves.toBe('saved');
      const stale = withTurn(v1, makeTurn(9), 10, clock.now(), TTL);
      await expect(store.sessions.save(stale, 1)).resolves.toBe('conflict');
      await expect(store.sessions.get(v1.id)).resolves.toEqual(v2);
    });

    it('treats an update of a session it does not hold as a conflict', async () => {
      const s = withTurn(first(1), makeTurn(1), 10, clock.now(), TTL);
      await expect(store.sessions.save(s, 1)).resolves.toBe('conflict');
      await expect(store.sessions.get(s.id)).resolves.toBeUndefined();
    });

    it('rejects a version that does not follow the expected one', async () => {
      const s = first(1);
      await expect(store.sessions.save({ ...s, version: 3 }, undefined)).rejects.toThrow(/version/);
    });

    it('forgets an expired session (whatever a TTL sweep has done), and lets its id be created afresh', async () => {
      const s = first(2);
      await store.sessions.save(s, undefined);
      clock.advance(TTL - 1);
      await expect(store.sessions.get(s.id)).resolves.toEqual(s);
      clock.advance(1);
      await expect(store.sessions.get(s.id)).resolves.toBeUndefined();
      await expect(store.sessions.save(withTurn(s, makeTurn(5), 10, clock.now(), TTL), 1)).resolves.toBe('conflict');
      const again = { ...newSession(s.id, clock.now(), TTL), version: 1 };
      await expect(store.sessions.save(again, undefined)).resolves.toBe('saved');
      await expect(store.sessions.get(s.id)).resolves.toEqual(again);
    });

    it('holds a full session of the largest turns the configuration allows (10 × 16 KB messages and long replies)', async () => {
      let s = newSession(id(), clock.now(), TTL);
      for (let i = 0; i < 10; i++) s = withTurn(s, makeTurn(i, { message: '雲'.repeat(5_461), reply: '\u{1d11e}'.repeat(4_000) }), 10, clock.now(), TTL);
      await expect(store.sessions.save({ ...s, version: 1 }, undefined)).resolves.toBe('saved');
      const read = await store.sessions.get(s.id);
      expect(read?.turns).toHaveLength(10);
      expect(read?.turns[9]?.message).toBe('雲'.repeat(5_461));
    });

    it('loses no turn when 8 messages are appended to one session at once (optimistic retries)', async () => {
      const writer = new SessionWriter(store.sessions, clock, { maxTurns: 10, ttlMs: TTL });
      const base = first(0);
      await store.sessions.save(base, undefined);
      await Promise.all(Array.from({ length: 8 }, (_, i) => writer.appendTurn(base, makeTurn(100 + i))));
      const read = await store.sessions.get(base.id);
      expect(read?.turns.map((t) => t.id).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `turn-${100 + i}`).sort());
      expect(read?.version).toBe(9);
    });

    it('clears a session through the writer; clearing one that does not exist finds nothing', async () => {
      const writer = new SessionWriter(store.sessions, clock, { maxTurns: 10, ttlMs: TTL });
      const s = first(3);
      await store.sessions.save(s, undefined);
      const cleared = await writer.clear(s);
      expect(cleared).toMatchObject({ id: s.id, turns: [], version: 2 });
      await expect(store.sessions.get(s.id)).resolves.toEqual(cleared);
      await expect(writer.clear(first(1))).resolves.toBeUndefined();
    });

    it('keeps sessions across a reopen', async () => {
      if (!store.reopen) return;
      const s = first(4);
      await store.sessions.save(s, undefined);
      const v2 = withTurn(s, makeTurn(7), 10, clock.now(), TTL);
      await store.sessions.save(v2, 1);
      store = await store.reopen();
      await expect(store.sessions.get(s.id)).resolves.toEqual(v2);
    });
  });
}
