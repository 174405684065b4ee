import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { LlmRequest } from '../../../ports/llm-provider';

/** The Messages body: system prompts go to `system`, the turns to `messages`; `max_tokens` is required. */
export function toMessageParams(request: LlmRequest): MessageCreateParamsNonStreaming {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const messages = request.messages.flatMap((m): MessageParam[] =>
    m.role === 'system' ? [] : [{ role: m.role, content: m.content }],
  );
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    messages,
    ...(system.length === 0 ? {} : { system: system.join('\n\n') }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

export function toStreamingParams(request: LlmRequest): MessageCreateParamsStreaming {
  return { ...toMessageParams(request), stream: true };
}
