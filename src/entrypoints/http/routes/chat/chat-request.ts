import * as z from 'zod';
import { CHAT_LANGUAGES, type ChatLanguage } from '../../../../domain/chat/chat-language';
import { countChars } from '../../../../domain/chat/chat-message';
import { MODEL_PREFERENCES, type ModelPreference } from '../../../../domain/chat/model-choice';
import { HttpError } from '../../http-error';
import { safeText } from '../../validation';

/** Seed 002's pattern: lower-case UUID v4 with the RFC variant (what `sendMessage` returns). */
const SESSION_ID = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

export type ChatRequest =
  | {
      readonly action: 'sendMessage';
      readonly message: string;
      readonly sessionId: string | undefined;
      readonly preferredLanguage: ChatLanguage;
      readonly modelPreference: ModelPreference;
      readonly temperature: number | undefined;
    }
  | { readonly action: 'getHistory' | 'clearSession'; readonly sessionId: string };

const custom = (ctx: z.RefinementCtx, code: string, message: string, path: (string | number)[] = []) =>
  ctx.addIssue({ code: 'custom', message, params: { code }, path });

/**
 * Seed 002's JSON Schema as zod (the first, 400 layer): `message` is required for sendMessage only and counts
 * characters as JSON Schema does (code points); unknown fields are refused, so a misspelt `sessionID` is not
 * silently a new session. The server-side rules (422) run in the use case.
 */
export function chatRequestSchema(maxChars: number) {
  const message = z.string({ error: 'must be a string' }).superRefine((text, ctx) => {
    const n = countChars(text);
    if (n === 0) custom(ctx, 'message_empty', 'must not be empty');
    else if (n > maxChars) custom(ctx, 'message_too_long', `must be at most ${maxChars} characters (it has ${n})`);
  });
  const data = z.strictObject(
    {
      message: message.optional(),
      sessionId: z.string({ error: 'must be a string' }).regex(SESSION_ID, { error: 'must be a lower-case UUID v4, as sendMessage returns it' }).optional(),
      preferredLanguage: z.enum(CHAT_LANGUAGES, { error: 'must be "ja", "en" or "zh"' }).default('ja'),
      modelPreference: z.enum(MODEL_PREFERENCES, { error: 'must be "auto", "fast" or "quality"' }).default('auto'),
      temperature: z.number({ error: 'must be a number' }).min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' }).optional(),
    },
    { error: 'must be an object' },
  );
  const metadata = z.strictObject(
    {
      clientVersion: safeText(64).optional(),
      timestamp: z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(0, { error: 'must not be negative' }).optional(),
    },
    { error: 'must be an object' },
  );
  return z
    .strictObject(
      {
        action: z.enum(['sendMessage', 'getHistory', 'clearSession'], { error: 'must be "sendMessage", "getHistory" or "clearSession"' }),
        data,
        metadata: metadata.optional(),
      },
      { error: 'the body must be a JSON object' },
    )
    .superRefine((req, ctx) => {
      if (req.action === 'sendMessage' && req.data.message === undefined) custom(ctx, 'message_required', 'is required for sendMessage', ['data', 'message']);
      if (req.action !== 'sendMessage' && req.data.sessionId === undefined) {
        custom(ctx, 'session_id_required', `is required for ${req.action}`, ['data', 'sessionId']);
      }
    });
}

export type ChatRequestSchema = ReturnType<typeof chatRequestSchema>;

const FIELD_CODES: Readonly<Record<string, string>> = {
  action: 'invalid_action',
  metadata: 'invalid_metadata',
  data: 'invalid_data',
  'data.message': 'invalid_message',
  'data.sessionId': 'invalid_session_id',
  'data.preferredLanguage': 'invalid_language',
  'data.modelPreference': 'invalid_model_preference',
  'data.temperature': 'invalid_temperature',
};

/** One machine-readable code per rule; the first broken rule names the error, details list every one. */
function codeOf(issue: z.core.$ZodIssue): string {
  const given = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
  if (typeof given === 'string') return given;
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  const path = issue.path.map(String);
  if (path.length === 0) return 'invalid_request';
  if (path[0] === 'metadata') return 'invalid_metadata';
  return FIELD_CODES[path.slice(0, 2).join('.')] ?? 'invalid_request';
}

function describe(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String).join('.') || 'body';
  if (issue.code === 'unrecognized_keys') return { path, message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  return { path, message: issue.message };
}

/** The request, or a 400 whose code names the first rule it breaks. */
export function parseChatRequest(schema: ChatRequestSchema, body: unknown): ChatRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const details = parsed.error.issues.map(describe);
    throw new HttpError(400, first ? codeOf(first) : 'invalid_request', `Invalid chat request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  const { action, data } = parsed.data;
  if (action === 'sendMessage') {
    return {
      action,
      message: data.message ?? '',
      sessionId: data.sessionId,
      preferredLanguage: data.preferredLanguage,
      modelPreference: data.modelPreference,
      temperature: data.temperature,
    };
  }
  return { action, sessionId: data.sessionId ?? '' };
}
