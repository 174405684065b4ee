import type { Container, ResolutionContext } from 'inversify';
import { ChatAccounting } from '../../application/chat/chat-accounting';
import { ModelCaller } from '../../application/chat/model-caller';
import { ReplyCache } from '../../application/chat/reply-cache';
import { SendMessageUseCase } from '../../application/chat/send-message.use-case';
import { ClearChatSessionUseCase, GetChatHistoryUseCase } from '../../application/chat/session-history.use-cases';
import { SessionWriter } from '../../application/chat/session-writer';
import type { ModelDirectory } from '../../application/sayings/models';
import type { SessionRepo } from '../../ports/session-repo';
import { NodeHasher } from '../../adapters/system/node-hasher';
import type { AppConfig } from '../config/app-config';
import { chatSettings } from '../config/chat-config';
import { chatRoutes } from '../http/routes/chat/chat.route';
import type { ApiRoute } from '../http/routes/api-routes';
import { TOKENS as T } from './tokens';

/**
 * Session chat (seed 002's sync path) for any profile: the profile passes its SessionRepo (memory, journaled
 * locally; DynamoDB in aws), everything else is shared. Settings are checked here, at start-up.
 */
export function bindChat(c: Container, config: AppConfig, sessions: (context: ResolutionContext) => SessionRepo): void {
  const settings = chatSettings(config);
  const hasher = new NodeHasher();
  c.bind(T.SessionRepo).toDynamicValue(sessions);
  const writer = ({ get }: ResolutionContext) =>
    new SessionWriter(get(T.SessionRepo), get(T.Clock), { maxTurns: settings.history.maxTurns, ttlMs: settings.sessionTtlMs });
  c.bind(T.ChatSendMessage).toDynamicValue((ctx) => {
    const { get } = ctx;
    const models = get<ModelDirectory>(T.ModelDirectory);
    return new SendMessageUseCase(
      get(T.SessionRepo),
      writer(ctx),
      models,
      new ModelCaller((key) => models.provider(key), get(T.Clock), get(T.Logger), settings.split),
      new ReplyCache(get(T.CacheStore), hasher, get(T.Logger), settings.cacheTtlMs),
      get(T.CollectionCache),
      get(T.Services),
      get(T.RateLimiter),
      new ChatAccounting(get(T.UsageLedger), get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random)),
      get(T.Logger),
      get(T.Clock),
      get(T.Random),
      settings,
    );
  });
  c.bind(T.ChatGetHistory).toDynamicValue(
    ({ get }) => new GetChatHistoryUseCase(get(T.SessionRepo), get(T.RateLimiter), get(T.Catalog), { rate: settings.rate, maxTurns: settings.history.maxTurns }),
  );
  c.bind(T.ChatClearSession).toDynamicValue(
    (ctx) => new ClearChatSessionUseCase(ctx.get(T.SessionRepo), writer(ctx), ctx.get(T.RateLimiter), { rate: settings.rate }),
  );
}

/** `POST /chat`, for `resolveRoutes`. */
export function chatRoutesFrom(c: Container): readonly ApiRoute[] {
  const config = c.get<AppConfig>(T.Config);
  return chatRoutes({
    sendMessage: c.get(T.ChatSendMessage),
    getHistory: c.get(T.ChatGetHistory),
    clearSession: c.get(T.ChatClearSession),
    bodyLimitBytes: Math.min(config.CHAT_BODY_LIMIT_BYTES, config.BODY_LIMIT_BYTES),
    maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS,
  });
}
