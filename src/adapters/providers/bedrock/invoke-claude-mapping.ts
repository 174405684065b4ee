import type { LlmRequest, LlmResult } from '../../../ports/llm-provider';
import { LlmProviderError } from '../../../ports/llm-provider';
import { invalidResponse } from '../shared/classify';
import { finishReasonOf, tokenCount } from './finish-reason';
import { toPromptTurns } from './prompt-turns';
import type { StreamPiece } from './stream-pieces';

/** Claude's own Messages body, as InvokeModel and InvokeModelWithResponseStream take it on Bedrock. */
export interface ClaudeMessagesBody {
  readonly anthropic_version: 'bedrock-2023-05-31';
  readonly max_tokens: number;
  readonly system?: string;
  readonly messages: readonly { readonly role: 'user' | 'assistant'; readonly content: string }[];
  readonly temperature?: number;
}

export function toClaudeBody(request: LlmRequest): ClaudeMessagesBody {
  const { system, turns } = toPromptTurns(request.messages);
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: request.maxTokens,
    ...(system === undefined ? {} : { system }),
    messages: turns.map((turn) => ({ role: turn.role, content: turn.text })),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: unknown, key: string): unknown => (isObject(value) ? value[key] : undefined);
const optional = (key: 'inputTokens' | 'outputTokens', value: unknown): StreamPiece => {
  const count = tokenCount(value);
  return count === undefined ? {} : { [key]: count };
};

/** Parses one JSON document from the model; anything else is an invalid response. */
export function parseClaudeJson(bytes: Uint8Array | undefined, what: string): Json {
  if (!bytes) throw invalidResponse('bedrock', `${what} is empty`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw invalidResponse('bedrock', `${what} is not JSON`, error);
  }
  if (!isObject(parsed)) throw invalidResponse('bedrock', `${what} is not a JSON object`);
  return parsed;
}

export function fromClaudeResponse(body: Json): LlmResult {
  if (!Array.isArray(body.content)) throw invalidResponse('bedrock', 'Claude response has no content');
  const text = body.content.map((block) => (field(block, 'type') === 'text' && typeof field(block, 'text') === 'string' ? (field(block, 'text') as string) : '')).join('');
  const stop = typeof body.stop_reason === 'string' ? body.stop_reason : undefined;
  return {
    text,
    usage: { inputTokens: tokenCount(field(body.usage, 'input_tokens')), outputTokens: tokenCount(field(body.usage, 'output_tokens')) },
    finishReason: finishReasonOf(stop),
    rawFinishReason: stop,
  };
}

/**
 * One Claude stream event: input tokens in message_start (its output count is a placeholder), text in
 * content_block_delta, the stop reason and the final output count in message_delta.
 */
export function claudeStreamPiece(event: Json): StreamPiece {
  switch (event.type) {
    case 'message_start':
      return optional('inputTokens', field(field(event.message, 'usage'), 'input_tokens'));
    case 'content_block_delta': {
      const text = field(event.delta, 'text');
      return typeof text === 'string' ? { text } : {};
    }
    case 'message_delta': {
      const stop = field(event.delta, 'stop_reason');
      return { ...(typeof stop === 'string' ? { stopReason: stop } : {}), ...optional('outputTokens', field(event.usage, 'output_tokens')) };
    }
    case 'error':
      throw claudeStreamError(event.error);
    default:
      return {};
  }
}

function claudeStreamError(error: unknown): LlmProviderError {
  const type = String(field(error, 'type') ?? 'error');
  const kind = type === 'rate_limit_error' ? 'rate-limited' : type === 'overloaded_error' || type === 'api_error' ? 'unavailable' : 'invalid-response';
  return new LlmProviderError(kind, `bedrock stream reported ${type}`, { provider: 'bedrock', cause: error });
}
