import type { ModelCatalog } from '../../domain/catalog/model-catalog';
import type { ChatTurn } from '../../domain/chat/chat-session';
import { formatSource } from '../../domain/sayings/attribution';
import { err, ok, type Result } from '../../domain/shared/result';
import type { RateLimiter, RatePolicy } from '../../ports/rate-limiter';
import type { SessionRepo } from '../../ports/session-repo';
import { sessionNotFound, type ChatClearedView, type ChatHistoryView, type ChatRateLimited, type ChatSessionNotFound, type ChatTurnView } from './chat-views';
import { takeChatToken } from './chat-rate';
import type { SessionWriter } from './session-writer';

export interface SessionCommand {
  readonly clientId: string;
  readonly sessionId: string;
}

export type SessionActionError = ChatRateLimited | ChatSessionNotFound;

export function turnView(turn: ChatTurn, catalog: ModelCatalog): ChatTurnView {
  const vendor = catalog.get(turn.model)?.vendor ?? 'openai';
  return {
    turnId: turn.id,
    at: turn.at,
    message: turn.message,
    reply: turn.reply,
    language: turn.language,
    model: turn.model,
    source: formatSource({ kind: 'generated', vendor, model: turn.model, offline: turn.offline }, catalog),
    offline: turn.offline,
    cached: turn.cached,
  };
}

/** `getHistory`: the session's turns, oldest first. */
export class GetChatHistoryUseCase {
  constructor(
    private readonly sessions: SessionRepo,
    private readonly limiter: RateLimiter,
    private readonly catalog: ModelCatalog,
    private readonly settings: { readonly rate: RatePolicy; readonly maxTurns: number },
  ) {}

  async execute(command: SessionCommand): Promise<Result<ChatHistoryView, SessionActionError>> {
    const refused = await takeChatToken(this.limiter, command.clientId, this.settings.rate);
    if (refused) return err(refused);
    const session = await this.sessions.get(command.sessionId);
    if (!session) return err(sessionNotFound());
    return ok({
      action: 'getHistory',
      sessionId: session.id,
      turns: session.turns.map((t) => turnView(t, this.catalog)),
      turnCount: session.turns.length,
      maxTurns: this.settings.maxTurns,
      expiresAt: session.expiresAt,
    });
  }
}

/** `clearSession`: the turns go, the session id stays valid. Clearing an empty session is not an error. */
export class ClearChatSessionUseCase {
  constructor(
    private readonly sessions: SessionRepo,
    private readonly writer: SessionWriter,
    private readonly limiter: RateLimiter,
    private readonly settings: { readonly rate: RatePolicy },
  ) {}

  async execute(command: SessionCommand): Promise<Result<ChatClearedView, SessionActionError>> {
    const refused = await takeChatToken(this.limiter, command.clientId, this.settings.rate);
    if (refused) return err(refused);
    const session = await this.sessions.get(command.sessionId);
    const cleared = session && (await this.writer.clear(session));
    if (!cleared) return err(sessionNotFound());
    return ok({ action: 'clearSession', sessionId: cleared.id, cleared: true, turnCount: 0 });
  }
}
