import { clearedSession, newSession, withTurn, type ChatSession, type ChatTurn } from '../../domain/chat/chat-session';
import type { Clock } from '../../ports/clock';
import { SessionRepoError, type SessionRepo } from '../../ports/session-repo';

/** Concurrent writers to one session each get this many tries; every conflict means another writer won. */
const MAX_ATTEMPTS = 12;

export interface SessionLimits {
  readonly maxTurns: number;
  readonly ttlMs: number;
}

/**
 * Read-modify-write with optimistic versions (ADR 0018): a write that lost the race reads the session again and
 * applies its own change on top, so concurrent messages to one session all keep their turns.
 */
export class SessionWriter {
  constructor(
    private readonly repo: SessionRepo,
    private readonly clock: Clock,
    private readonly limits: SessionLimits,
  ) {}

  /**
   * Appends `turn` to the session as `base` (read earlier, or a new one not stored yet) or as it is now. A
   * session that expired meanwhile starts again with this turn, under the same id.
   */
  async appendTurn(base: ChatSession, turn: ChatTurn): Promise<ChatSession> {
    const { maxTurns, ttlMs } = this.limits;
    const written = await this.write(base, (current) => {
      const now = this.clock.now();
      return withTurn(current ?? newSession(base.id, now, ttlMs), turn, maxTurns, now, ttlMs);
    });
    if (!written) throw new SessionRepoError('appending a turn cannot fail to find the session');
    return written;
  }

  /** Empties the session; undefined when it does not exist (or expired). */
  clear(base: ChatSession): Promise<ChatSession | undefined> {
    return this.write(base, (current) => (current ? clearedSession(current, this.clock.now(), this.limits.ttlMs) : undefined));
  }

  private async write(base: ChatSession, change: (current: ChatSession | undefined) => ChatSession | undefined): Promise<ChatSession | undefined> {
    let current: ChatSession | undefined = base;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const next = change(current);
      if (!next) return undefined;
      const expected = current && current.version > 0 ? current.version : undefined;
      const outcome = await this.repo.save({ ...next, version: (expected ?? 0) + 1 }, expected);
      if (outcome === 'saved') return { ...next, version: (expected ?? 0) + 1 };
      current = await this.repo.get(base.id);
    }
    throw new SessionRepoError(`session write lost ${MAX_ATTEMPTS} races in a row`);
  }
}
