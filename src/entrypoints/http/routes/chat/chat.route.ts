import type { SendMessageUseCase } from '../../../../application/chat/send-message.use-case';
import type { ClearChatSessionUseCase, GetChatHistoryUseCase } from '../../../../application/chat/session-history.use-cases';
import { SessionRepoError } from '../../../../ports/session-repo';
import type { HttpRequest, HttpResponse, Route } from '../../core/http-types';
import { readJsonBody } from '../../core/json-body';
import { HttpError, retryAfterSeconds } from '../../http-error';
import type { ApiRoute } from '../api-routes';
import { chatRequestSchema, parseChatRequest, type ChatRequestSchema } from './chat-request';

export interface ChatRouteDeps {
  readonly sendMessage: SendMessageUseCase;
  readonly getHistory: GetChatHistoryUseCase;
  readonly clearSession: ClearChatSessionUseCase;
  /** The chat body limit (a message is at most 16 KB), never above the app's own. */
  readonly bodyLimitBytes: number;
  readonly maxMessageChars: number;
}

type UseCaseError = { readonly code: string; readonly message: string; readonly retryAfterMs?: number };

/** Server-side message rules are 422 (seed 002: the second validation layer); the rest by their meaning. */
const STATUS: Readonly<Record<string, number>> = {
  rate_limited: 429,
  session_not_found: 404,
  message_too_large: 422,
  null_byte: 422,
  lone_surrogate: 422,
  too_many_control_characters: 422,
  message_blank: 422,
  all_models_down: 503,
  chat_timeout: 503,
  model_unavailable: 503,
};

function refuse(error: UseCaseError): never {
  const headers: Record<string, string> = error.retryAfterMs === undefined ? {} : { 'Retry-After': retryAfterSeconds(error.retryAfterMs) };
  throw new HttpError(STATUS[error.code] ?? 400, error.code, error.message, undefined, headers);
}

async function serve(deps: ChatRouteDeps, schema: ChatRequestSchema, request: HttpRequest): Promise<HttpResponse> {
  const chat = parseChatRequest(schema, readJsonBody(request, deps.bodyLimitBytes));
  const clientId = request.clientIp;
  // The reply is model output: JSON text that clients render as text, never as markup (FAULTS #26).
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (chat.action === 'sendMessage') {
    const result = await deps.sendMessage.execute({ clientId, ...chat });
    if (!result.ok) refuse(result.error);
    return { status: 200, headers, body: result.value };
  }
  const command = { clientId, sessionId: chat.sessionId };
  const result = chat.action === 'getHistory' ? await deps.getHistory.execute(command) : await deps.clearSession.execute(command);
  if (!result.ok) refuse(result.error);
  return { status: 200, headers, body: result.value };
}

/** `POST /chat`: seed 002's sync path — sendMessage, getHistory, clearSession. */
export function chatRoutes(deps: ChatRouteDeps): readonly ApiRoute[] {
  const schema = chatRequestSchema(deps.maxMessageChars);
  const route: Route = async (request) => {
    try {
      return await serve(deps, schema, request);
    } catch (error) {
      if (error instanceof SessionRepoError) {
        throw new HttpError(503, 'storage_unavailable', 'Chat sessions are unavailable right now; try again shortly.', undefined, { 'Retry-After': '1' });
      }
      throw error;
    }
  };
  return [{ method: 'POST', path: '/chat', route }];
}
