import * as z from 'zod';
import type { GatewayChatRequest } from '../../../../application/gateway/chat-request';
import { err, ok, type Result } from '../../../../domain/shared/result';
import { echoable } from '../../../../domain/text/echo';

export interface SchemaLimits {
  readonly maxMessages: number;
  /** Characters per message, before the use case's byte check. */
  readonly maxMessageChars: number;
}

export interface SchemaProblem {
  readonly message: string;
  readonly param: string | null;
  readonly code: string;
}

/**
 * Fields that would steer the upstream call — where it goes, with which credentials — in the spellings other
 * gateways and SDKs use. Refused by name with a clear message; any other unknown field is refused too.
 */
const STEERING = new Set([
  'api_base', 'base_url', 'baseurl', 'api_key', 'apikey', 'api_version', 'api_type', 'organization', 'project',
  'azure_endpoint', 'azure_deployment', 'azure_ad_token', 'deployment_id', 'endpoint', 'url', 'host', 'proxy',
  'headers', 'extra_headers', 'extra_body', 'extra_query', 'default_headers', 'custom_llm_provider', 'provider',
  'aws_region_name', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region', 'timeout',
  'credentials', 'auth', 'authorization',
]);

/** A model name: a catalog key or a vendor id (`anthropic.claude-3-haiku-20240307-v1:0`), never a URL or a path. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const URL_LIKE = /[/\\@?#]|:\/\/|^[a-z][a-z0-9+.-]*:(?!\d)/i;

const text = (max: number) => z.string().max(max, { error: `must be at most ${max} characters` });

const contentPart = z.object({ type: z.literal('text', { error: 'only text parts are supported' }), text: text(1_000_000) }).strict();

const message = (limits: SchemaLimits) =>
  z
    .object({
      role: z.enum(['system', 'developer', 'user', 'assistant'], { error: 'must be system, developer, user or assistant (tool messages are not supported)' }),
      content: z.union([text(limits.maxMessageChars), z.array(contentPart).min(1).max(100)], { error: 'must be a string or an array of text parts' }),
      name: z.string().max(64).optional(),
    })
    .strict();

/** A field accepted only at its default, since the gateway cannot pass anything else on. */
const onlyDefault = <T extends z.ZodType>(schema: T, isDefault: (v: z.infer<T>) => boolean, what: string) =>
  schema.refine(isDefault, { error: `${what} is not supported by this gateway; leave it out` }).optional().nullable();

const chatSchema = (limits: SchemaLimits) =>
  z
    .object({
      model: z.string({ error: 'is required: a model id from GET /v1/models' }).min(1),
      messages: z.array(message(limits)).min(1, { error: 'must hold at least one message' }).max(limits.maxMessages, { error: `must hold at most ${limits.maxMessages} messages` }),
      max_tokens: z.number().int().positive().optional().nullable(),
      max_completion_tokens: z.number().int().positive().optional().nullable(),
      temperature: z.number().min(0).max(2).optional().nullable(),
      stream: z.boolean().optional().nullable(),
      // include_obfuscation pads OpenAI's own deltas against size side channels; nothing to pass on, nothing changes.
      stream_options: z.object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).strict().optional().nullable(),
      n: z.number().int().min(1).max(1, { error: 'must be 1: the gateway returns one choice per request' }).optional().nullable(),
      seed: z.number().int().optional().nullable(),
      user: z.string().max(256).optional(),
      // The current SDK's replacements for `user`: identifiers for the vendor's abuse checks and cache routing.
      safety_identifier: z.string().max(64).optional().nullable(),
      prompt_cache_key: z.string().max(1024).optional().nullable(),
      prompt_cache_retention: z.enum(['in-memory', '24h']).optional().nullable(),
      modalities: onlyDefault(z.array(z.string()), (v) => v.length === 1 && v[0] === 'text', 'modalities other than ["text"]'),
      metadata: z.record(z.string().max(64), z.string().max(512)).optional().nullable(),
      service_tier: z.enum(['auto', 'default']).optional().nullable(),
      store: onlyDefault(z.boolean(), (v) => v === false, 'store'),
      top_p: onlyDefault(z.number(), (v) => v === 1, 'top_p other than 1'),
      presence_penalty: onlyDefault(z.number(), (v) => v === 0, 'presence_penalty other than 0'),
      frequency_penalty: onlyDefault(z.number(), (v) => v === 0, 'frequency_penalty other than 0'),
      logprobs: onlyDefault(z.boolean(), (v) => v === false, 'logprobs'),
      stop: onlyDefault(z.union([z.string(), z.array(z.string())]), (v) => (Array.isArray(v) ? v.length === 0 : false), 'stop'),
      logit_bias: onlyDefault(z.record(z.string(), z.number()), (v) => Object.keys(v).length === 0, 'logit_bias'),
      tools: onlyDefault(z.array(z.unknown()), (v) => v.length === 0, 'tools (function calling)'),
      tool_choice: onlyDefault(z.unknown(), (v) => v === 'none' || v === 'auto', 'tool_choice'),
      parallel_tool_calls: z.boolean().optional().nullable(),
      response_format: onlyDefault(z.object({ type: z.string() }).passthrough(), (v) => v.type === 'text', 'response_format other than {"type":"text"}'),
    })
    .strict();

type ChatBody = z.infer<ReturnType<typeof chatSchema>>;

/**
 * The OpenAI request body as the use case's request. Zod at the edge; the use case then checks every message's
 * text again (seed 002's defence in depth). Only model, messages, max_tokens and temperature go upstream, so no
 * field can reach the upstream URL or credentials — steering fields are refused by name all the same.
 */
export type ParsedChatRequest = Omit<GatewayChatRequest, 'signal'> & { readonly includeUsage: boolean };

/** Builds the schema once (zod compiles it on first use; building it per request costs more than the parse). */
export function chatRequestParser(limits: SchemaLimits): (body: unknown) => Result<ParsedChatRequest, SchemaProblem> {
  const schema = chatSchema(limits);
  return (body) => parseChatRequest(body, schema);
}

function parseChatRequest(body: unknown, schema: ReturnType<typeof chatSchema>): Result<ParsedChatRequest, SchemaProblem> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return err({ message: 'The body must be a JSON object.', param: null, code: 'invalid_value' });
  for (const field of Object.keys(body)) {
    if (STEERING.has(field.toLowerCase())) {
      return err({ message: `The field "${field}" is not accepted: the gateway chooses the upstream and its credentials itself.`, param: field, code: 'forbidden_parameter' });
    }
  }
  const model = (body as { model?: unknown }).model;
  if (typeof model === 'string' && URL_LIKE.test(model)) {
    return err({ message: 'The model must be a model id such as "haiku" or "gpt-4.1", not a URL or a path.', param: 'model', code: 'invalid_model' });
  }
  if (typeof model === 'string' && !MODEL_NAME.test(model)) {
    return err({ message: 'The model id may hold only letters, digits, ".", "_", ":" and "-" (at most 128).', param: 'model', code: 'invalid_model' });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return err(problemOf(parsed.error));
  return ok(toRequest(parsed.data));
}

function problemOf(error: z.ZodError): SchemaProblem {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${pathOf(issue.path)}.` : '';
    const key = echoable(issue.keys[0] ?? '');
    if (key === undefined) return { message: `Unrecognized request argument supplied${where ? ` in ${where.slice(0, -1)}` : ''}.`, param: null, code: 'unknown_parameter' };
    return { message: `Unrecognized request argument supplied: ${where}${key}`, param: `${where}${key}`, code: 'unknown_parameter' };
  }
  const param = issue ? pathOf(issue.path) : null;
  return { message: `Invalid ${param ?? 'body'}: ${issue?.message ?? 'invalid value'}.`, param, code: param === 'n' ? 'unsupported_value' : 'invalid_value' };
}

/** `messages[2].content`, OpenAI's spelling of a path. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? String(part) : `${out}.${String(part)}`), '');
}

function toRequest(body: ChatBody): ParsedChatRequest {
  const messages = body.messages.map((m) => ({
    role: m.role === 'developer' ? ('system' as const) : m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
  }));
  return {
    model: body.model,
    messages,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    stream: body.stream === true,
    includeUsage: body.stream === true && body.stream_options?.include_usage === true,
    // Every other accepted field either is at its default or does not change the answer; seed does, a little.
    options: body.seed === undefined || body.seed === null ? {} : { seed: body.seed },
  };
}
