import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { LlmMessage, LlmRequest } from '../../../ports/llm-provider';

function toMessage(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return { role: 'assistant', content: message.content };
  }
}

/** The Chat Completions body: only fields every OpenAI-compatible server understands. */
export function toChatCompletionParams(request: LlmRequest): ChatCompletionCreateParamsNonStreaming {
  return {
    model: request.model,
    messages: request.messages.map(toMessage),
    // `max_tokens`, not `max_completion_tokens`: compatible servers (vLLM, Ollama, gateways) read only the older name.
    max_tokens: request.maxTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/** The streaming body; `include_usage` makes the last chunk carry the token counts. */
export function toStreamingParams(request: LlmRequest): ChatCompletionCreateParamsStreaming {
  return { ...toChatCompletionParams(request), stream: true, stream_options: { include_usage: true } };
}
