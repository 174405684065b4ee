import type { ChatSession } from '../domain/chat/chat-session';

export type SaveOutcome = 'saved' | 'conflict';

/**
 * Chat sessions with their recent turns (ADR 0018). Writes are optimistic: each names the version it
 * replaces, so two writers that read the same version cannot both win and no turn is lost silently.
 */
export interface SessionRepo {
  /** The session, or undefined when it never existed or has expired (expiry is checked here, not left to a TTL sweep). */
  get(id: string): Promise<ChatSession | undefined>;
  /**
   * Stores `session` (whose `version` must be `(expectedVersion ?? 0) + 1`) if the stored version is still
   * `expectedVersion`; `undefined` means "must not exist yet, or has expired". Anything else is a `conflict`:
   * read again and redo the change.
   */
  save(session: ChatSession, expectedVersion: number | undefined): Promise<SaveOutcome>;
}

export class SessionRepoError extends Error {
  override readonly name = 'SessionRepoError';
}
