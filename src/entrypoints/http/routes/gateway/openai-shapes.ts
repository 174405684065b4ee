import type { ChatStreamEvent, Completion, CompletionUsage, ReplyMeta, ServedModel } from '../../../../application/gateway/chat-request';
import type { GatewayModel } from '../../../../application/gateway/list-models.use-case';
import type { FinishReason } from '../../../../ports/llm-provider';
import { failureResponse, type OpenAiErrorBody } from './openai-errors';

/** Marks the offline simulation in every body, as a header does on every response. */
export const fingerprint = (model: ServedModel): string => (model.offline ? 'offline-simulation' : `cs-gateway-${model.provider}`);

const FINISH: Readonly<Record<FinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
  unknown: 'stop',
};

const usageBody = (u: CompletionUsage) => ({ prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens });

/** OpenAI's `chat.completion` object. */
export function completionBody(meta: ReplyMeta, completion: Completion): unknown {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model.vendorModelId,
    system_fingerprint: fingerprint(meta.model),
    choices: [{ index: 0, message: { role: 'assistant', content: completion.text, refusal: null }, logprobs: null, finish_reason: FINISH[completion.finishReason] }],
    usage: usageBody(completion.usage),
  };
}

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/**
 * OpenAI's SSE stream: one `chat.completion.chunk` per delta as it arrives (the first carries the role), a chunk
 * with the finish reason, a usage chunk with no choices when `stream_options.include_usage` asked for it, then
 * `data: [DONE]`. A failure mid-way is an `{"error": …}` event, which the openai SDK raises as an APIError,
 * followed by `[DONE]` all the same.
 */
export async function* sseFrames(meta: ReplyMeta, events: AsyncIterable<ChatStreamEvent>, includeUsage: boolean): AsyncGenerator<string> {
  const base = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model.vendorModelId, system_fingerprint: fingerprint(meta.model) };
  const chunk = (choices: readonly unknown[], usage: unknown = null) => frame({ ...base, choices, ...(includeUsage ? { usage } : {}) });
  let first = true;
  for await (const event of events) {
    if (event.type === 'delta') {
      const delta = first ? { role: 'assistant', content: event.text } : { content: event.text };
      first = false;
      yield chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]);
    } else if (event.type === 'finish') {
      yield chunk([{ index: 0, delta: first ? { role: 'assistant', content: '' } : {}, logprobs: null, finish_reason: FINISH[event.finishReason] }]);
      if (includeUsage) yield chunk([], usageBody(event.usage));
    } else {
      yield frame(failureResponse(event.failure).body as OpenAiErrorBody);
    }
  }
  yield 'data: [DONE]\n\n';
}

/** OpenAI's model object, with what a client needs to choose: who serves it, whether it is simulated. */
export function modelBody(m: GatewayModel): unknown {
  return {
    id: m.key,
    object: 'model',
    created: 0,
    owned_by: m.offline ? `${m.vendor} (offline simulation)` : m.vendor,
    display_name: m.displayName,
    vendor_model_id: m.vendorModelId,
    provider: m.provider,
    offline: m.offline,
    max_output_tokens: m.maxOutputTokens,
  };
}
