import { checkChatMessage, countChars, type ChatMessageProblem } from '../../domain/chat/chat-message';
import { replyLanguage, type ChatLanguage } from '../../domain/chat/chat-language';
import { buildChatPrompt, type ChatPrompt } from '../../domain/chat/chat-prompt';
import { buildReference, type ChatReference } from '../../domain/chat/chat-reference';
import { newSession, type ChatSession } from '../../domain/chat/chat-session';
import { chooseModel, type ModelChoice, type ModelPreference } from '../../domain/chat/model-choice';
import { costOf, totalTokens } from '../../domain/cost/cost';
import { nanoToUsd } from '../../domain/cost/money';
import { estimateTokens } from '../../domain/limits/token-estimate';
import { formatSource } from '../../domain/sayings/attribution';
import type { AwsService } from '../../domain/services/aws-service';
import { err, ok, type Result } from '../../domain/shared/result';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { SessionRepo } from '../../ports/session-repo';
import type { CollectionCache } from '../sayings/collection-cache';
import type { ModelDirectory } from '../sayings/models';
import { describeError } from '../sayings/pool-builder';
import type { ChatAccounting } from './chat-accounting';
import { takeChatToken } from './chat-rate';
import type { ChatSettings } from './chat-settings';
import { sessionNotFound, type ChatRateLimited, type ChatReplyView, type ChatSessionNotFound } from './chat-views';
import type { CallFailure, ModelCaller } from './model-caller';
import type { CachedReply, ReplyCache } from './reply-cache';
import type { SessionWriter } from './session-writer';

export interface SendMessageCommand {
  readonly clientId: string;
  /** Absent: a new session is created and its id returned. */
  readonly sessionId: string | undefined;
  /** As sent; the server-side rules (seed 002) are checked here. */
  readonly message: string;
  readonly preferredLanguage: ChatLanguage;
  readonly modelPreference: ModelPreference;
  readonly temperature: number | undefined;
}

export type SendMessageError =
  | ChatRateLimited
  | ChatSessionNotFound
  | { readonly code: ChatMessageProblem['rule']; readonly message: string }
  | { readonly code: 'all_models_down' | 'chat_timeout' | 'model_unavailable'; readonly message: string; readonly retryAfterMs: number };

/** The sync path of seed 002: session → prompt → cache → model (one retry) → session write → usage. */
export class SendMessageUseCase {
  constructor(
    private readonly sessions: SessionRepo,
    private readonly writer: SessionWriter,
    private readonly models: ModelDirectory,
    private readonly caller: ModelCaller,
    private readonly cache: ReplyCache,
    private readonly collection: CollectionCache,
    private readonly services: readonly AwsService[],
    private readonly limiter: RateLimiter,
    private readonly accounting: ChatAccounting,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly settings: ChatSettings,
  ) {}

  async execute(command: SendMessageCommand): Promise<Result<ChatReplyView, SendMessageError>> {
    const started = this.clock.monotonicMs();
    const deadline = started + this.settings.deadlineMs;
    const refused = await takeChatToken(this.limiter, command.clientId, this.settings.rate);
    if (refused) return err(refused);
    const checked = checkChatMessage(command.message, this.settings.message);
    if (!checked.ok) return err({ code: checked.error.rule, message: checked.error.message });
    const message = checked.value;

    const existing = command.sessionId === undefined ? undefined : await this.sessions.get(command.sessionId);
    if (command.sessionId !== undefined && !existing) return err(sessionNotFound());
    const session = existing ?? newSession(this.random.uuid(), this.clock.now(), this.settings.sessionTtlMs);

    const language = replyLanguage(message, command.preferredLanguage);
    const prompt = buildChatPrompt({ language, reference: await this.reference(message), history: session.turns, message, window: this.settings.history });
    const choice = chooseModel({
      preference: command.modelPreference,
      candidates: this.models.candidates(),
      inputTokens: prompt.inputTokens,
      messageTokens: prompt.messageTokens,
      outputTokens: this.settings.maxOutputTokens,
      thresholds: this.settings.auto,
    });
    if (!choice.ok) {
      await this.accounting.failed(started, undefined, false, 'all_models_down');
      return err({ code: 'all_models_down', message: 'Every model is failing right now; try again shortly.', retryAfterMs: this.settings.modelsDownRetryAfterMs });
    }
    const maxTokens = Math.min(this.settings.maxOutputTokens, choice.model.maxTokens);
    const cacheKey = this.cache.key({ model: choice.model.key, provider: this.models.provider(choice.model.key)?.name ?? 'none', maxTokens, messages: prompt.messages });

    const hit = await this.cache.get(cacheKey);
    const called = hit ? undefined : await this.callModel(choice, prompt, command, deadline);
    if (called && !called.ok) {
      await this.accounting.failed(started, choice.model, choice.offline, called.error.code);
      return err(called.error);
    }
    const answer = hit ?? called?.value.answer;
    if (!answer) throw new Error('a chat answer is either cached or called');
    const cached = hit !== undefined;
    const retried = called?.value.retried ?? false;
    if (!cached) await this.cache.set(cacheKey, answer);

    const turn = { id: this.random.uuid(), at: this.clock.now(), message, reply: answer.reply, language, model: answer.model, offline: answer.offline, cached };
    const saved = await this.writer.appendTurn(session, turn);
    const view = this.toView(session, saved, answer, { cached, retried, language, preference: command.modelPreference, historyTurns: prompt.historyTurns, started });
    await this.accounting.answered(view, answer);
    return ok(view);
  }

  /** The model's answer as the cache keeps it; usage a provider did not report is estimated, and says so. */
  private async callModel(
    choice: Extract<ModelChoice, { ok: true }>,
    prompt: ChatPrompt,
    command: SendMessageCommand,
    deadline: number,
  ): Promise<Result<{ answer: CachedReply; retried: boolean }, CallFailure>> {
    const called = await this.caller.call({
      first: choice.model,
      retryOrder: choice.retryOrder,
      messages: prompt.messages,
      maxOutputTokens: this.settings.maxOutputTokens,
      temperature: command.temperature ?? this.settings.defaultTemperature,
      deadline,
    });
    if (!called.ok) return called;
    const { result, model, provider, latencyMs, retried } = called.value;
    const reported = result.usage.inputTokens !== undefined || result.usage.outputTokens !== undefined;
    const usage = reported ? result.usage : { inputTokens: prompt.inputTokens, outputTokens: estimateTokens(result.text) };
    const answer: CachedReply = {
      reply: clampReply(result.text, this.settings.maxReplyChars),
      model: model.key,
      provider: provider.name,
      offline: provider.offline,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      estimated: !reported,
      costNano: costOf(model, usage),
      latencyMs,
    };
    return ok({ answer, retried });
  }

  /** Grounding from the stored collection; without it the companion still answers, only less specifically. */
  private async reference(message: string): Promise<ChatReference> {
    const sayings = await this.collection.get().then((c) => c.sayings, (error: unknown) => {
      this.logger.warn('collection unreadable; chat answers without reference sayings', { error: describeError(error) });
      return [];
    });
    return buildReference(message, this.services, sayings, this.settings.reference);
  }

  private toView(
    before: ChatSession,
    after: ChatSession,
    answer: CachedReply,
    o: { cached: boolean; retried: boolean; language: ChatLanguage; preference: ModelPreference; historyTurns: number; started: number },
  ): ChatReplyView {
    const catalog = this.models.catalog;
    const spec = catalog.get(answer.model);
    const total = totalTokens(answer) ?? null;
    const last = after.turns[after.turns.length - 1];
    return {
      action: 'sendMessage',
      sessionId: after.id,
      newSession: before.version === 0,
      turnId: last?.id ?? '',
      reply: answer.reply,
      language: o.language,
      modelPreference: o.preference,
      model: answer.model,
      vendor: spec?.vendor ?? 'openai',
      displayName: spec?.displayName ?? answer.model,
      source: formatSource({ kind: 'generated', vendor: spec?.vendor ?? 'openai', model: answer.model, offline: answer.offline }, catalog),
      offline: answer.offline,
      cached: o.cached,
      retried: o.retried,
      latencyMs: roundMs(answer.latencyMs),
      executionTime: roundMs(this.clock.monotonicMs() - o.started),
      tokens: { input: answer.inputTokens ?? null, output: answer.outputTokens ?? null, total, estimated: answer.estimated },
      costNano: answer.costNano ?? null,
      costUsd: answer.costNano === undefined ? null : nanoToUsd(answer.costNano),
      historyTurns: o.historyTurns,
      turnCount: after.turns.length,
    };
  }
}

/** A reply past the limit is cut at a character boundary and marked, so stored sessions stay bounded. */
function clampReply(text: string, maxChars: number): string {
  const trimmed = text.trim();
  if (countChars(trimmed) <= maxChars) return trimmed;
  return `${[...trimmed].slice(0, Math.max(0, maxChars - 1)).join('')}…`;
}

const roundMs = (ms: number): number => Math.round(ms * 100) / 100;
