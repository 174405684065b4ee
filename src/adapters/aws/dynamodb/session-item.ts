import { CHAT_LANGUAGES } from '../../../domain/chat/chat-language';
import type { ChatSession, ChatTurn } from '../../../domain/chat/chat-session';
import { bool, MalformedItemError, num, oneOf, str, type Item } from './item-fields';
import { SESSIONS } from './table-design';

/** Marks session items, so nothing else stored beside them is ever read as one. */
export const SESSION_ENTITY = 'session';

export function toSessionItem(session: ChatSession): Record<string, unknown> {
  return {
    [SESSIONS.pk]: session.id,
    entity: SESSION_ENTITY,
    [SESSIONS.version]: session.version,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    [SESSIONS.expiresAtMs]: session.expiresAt,
    // DynamoDB's TTL takes epoch seconds and deletes lazily (up to ~48 h late); readers go by expiresAtMs.
    [SESSIONS.ttl]: Math.ceil(session.expiresAt / 1000),
    turns: session.turns.map((t) => ({
      id: t.id,
      at: t.at,
      message: t.message,
      reply: t.reply,
      language: t.language,
      model: t.model,
      offline: t.offline,
      cached: t.cached,
    })),
  };
}

export const isSessionItem = (item: Item): boolean => item.entity === SESSION_ENTITY;

export function fromSessionItem(item: Item): ChatSession {
  const turns = item.turns;
  if (!Array.isArray(turns)) throw new MalformedItemError('field turns is not a list');
  return {
    id: str(item, SESSIONS.pk),
    version: num(item, SESSIONS.version),
    createdAt: num(item, 'createdAt'),
    updatedAt: num(item, 'updatedAt'),
    expiresAt: num(item, SESSIONS.expiresAtMs),
    turns: turns.map((t: unknown): ChatTurn => {
      if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new MalformedItemError('a turn is not a map');
      const turn = t as Item;
      return {
        id: str(turn, 'id'),
        at: num(turn, 'at'),
        message: str(turn, 'message'),
        reply: str(turn, 'reply'),
        language: oneOf(turn, 'language', CHAT_LANGUAGES),
        model: str(turn, 'model'),
        offline: bool(turn, 'offline'),
        cached: bool(turn, 'cached'),
      };
    }),
  };
}
