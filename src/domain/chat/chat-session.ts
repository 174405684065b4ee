import type { ChatLanguage } from './chat-language';

/** One exchange: what the user sent (cleaned) and what the assistant answered. */
export interface ChatTurn {
  readonly id: string;
  /** When the reply was given, epoch ms. */
  readonly at: number;
  readonly message: string;
  readonly reply: string;
  readonly language: ChatLanguage;
  /** Catalog key of the model that answered. */
  readonly model: string;
  readonly offline: boolean;
  /** The reply came from the identical-prompt cache. */
  readonly cached: boolean;
}

/**
 * A chat session and its most recent turns, oldest first. `version` counts stored writes: the first write
 * is version 1, and every write names the version it replaces, so concurrent writers cannot lose a turn.
 */
export interface ChatSession {
  readonly id: string;
  readonly turns: readonly ChatTurn[];
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Epoch ms after which the session is gone; every write moves it to `updatedAt + ttl`. */
  readonly expiresAt: number;
}

/** A session that exists only in memory until its first write (version 0). */
export function newSession(id: string, now: number, ttlMs: number): ChatSession {
  return { id, turns: [], version: 0, createdAt: now, updatedAt: now, expiresAt: now + ttlMs };
}

/** The session after `turn`, keeping only the last `maxTurns`, as the next version. */
export function withTurn(session: ChatSession, turn: ChatTurn, maxTurns: number, now: number, ttlMs: number): ChatSession {
  const turns = [...session.turns, turn];
  return {
    ...session,
    turns: turns.slice(Math.max(0, turns.length - Math.max(0, maxTurns))),
    version: session.version + 1,
    updatedAt: now,
    expiresAt: now + ttlMs,
  };
}

/** The session emptied, as the next version (the id stays valid). */
export function clearedSession(session: ChatSession, now: number, ttlMs: number): ChatSession {
  return { ...session, turns: [], version: session.version + 1, updatedAt: now, expiresAt: now + ttlMs };
}

export const isExpired = (session: Pick<ChatSession, 'expiresAt'>, now: number): boolean => session.expiresAt <= now;
