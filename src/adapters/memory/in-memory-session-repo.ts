import { isExpired, type ChatSession } from '../../domain/chat/chat-session';
import type { Clock } from '../../ports/clock';
import { SessionRepoError, type SaveOutcome, type SessionRepo } from '../../ports/session-repo';
import type { MemoryState } from './memory-state';

/** Expired sessions are swept after this many writes, so a long run does not keep every session ever made. */
const SWEEP_EVERY = 500;

/**
 * Sessions in the shared MemoryState; with a FileState journal they survive restarts, and a turn is on disk
 * before its answer goes out (a durable write, like a vote). Check-and-set is synchronous, so it is atomic.
 */
export class InMemorySessionRepo implements SessionRepo {
  private writes = 0;

  constructor(
    private readonly state: MemoryState,
    private readonly clock: Clock,
  ) {}

  get(id: string): Promise<ChatSession | undefined> {
    const session = this.state.sessions.get(id);
    return Promise.resolve(session && !isExpired(session, this.clock.now()) ? session : undefined);
  }

  async save(session: ChatSession, expectedVersion: number | undefined): Promise<SaveOutcome> {
    if (session.version !== (expectedVersion ?? 0) + 1) {
      throw new SessionRepoError(`session version ${session.version} does not follow ${String(expectedVersion)}`);
    }
    const previous = this.state.sessions.get(session.id);
    const live = previous && !isExpired(previous, this.clock.now()) ? previous : undefined;
    if (live?.version !== expectedVersion) return 'conflict';
    this.state.sessions.set(session.id, session);
    if (++this.writes % SWEEP_EVERY === 0) this.sweep();
    try {
      await this.state.journal.write({ t: 'session', session }, true);
    } catch (error) {
      // Not on disk, so not acknowledged: take it back unless a later write already replaced it.
      if (this.state.sessions.get(session.id) === session) {
        if (previous) this.state.sessions.set(session.id, previous);
        else this.state.sessions.delete(session.id);
      }
      throw new SessionRepoError('the session could not be written to the local journal', { cause: error });
    }
    return 'saved';
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, s] of this.state.sessions) if (isExpired(s, now)) this.state.sessions.delete(id);
  }
}
