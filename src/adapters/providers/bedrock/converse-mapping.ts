import type { ConverseCommandInput, ConverseCommandOutput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { LlmRequest, LlmResult } from '../../../ports/llm-provider';
import { invalidResponse } from '../shared/classify';
import { finishReasonOf, tokenCount } from './finish-reason';
import { toPromptTurns } from './prompt-turns';
import type { StreamPiece } from './stream-pieces';

/** The Converse and ConverseStream input (the two share it). */
export function toConverseInput(request: LlmRequest): ConverseCommandInput {
  const { system, turns } = toPromptTurns(request.messages);
  return {
    modelId: request.model,
    messages: turns.map((turn) => ({ role: turn.role, content: [{ text: turn.text }] })),
    ...(system === undefined ? {} : { system: [{ text: system }] }),
    inferenceConfig: {
      maxTokens: request.maxTokens,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    },
  };
}

export function fromConverseOutput(output: ConverseCommandOutput): LlmResult {
  const content = output.output?.message?.content;
  if (!Array.isArray(content)) throw invalidResponse('bedrock', 'Converse output has no message');
  const text = content.map((block) => block.text ?? '').join('');
  return {
    text,
    usage: { inputTokens: tokenCount(output.usage?.inputTokens), outputTokens: tokenCount(output.usage?.outputTokens) },
    finishReason: finishReasonOf(output.stopReason),
    rawFinishReason: output.stopReason,
  };
}

/** Text from contentBlockDelta, the stop reason from messageStop, usage from the closing metadata event. */
export function converseStreamPiece(event: ConverseStreamOutput): StreamPiece {
  if (event.contentBlockDelta) return { text: event.contentBlockDelta.delta?.text ?? '' };
  if (event.messageStop) return { stopReason: event.messageStop.stopReason ?? 'unknown' };
  if (event.metadata) {
    const inputTokens = tokenCount(event.metadata.usage?.inputTokens);
    const outputTokens = tokenCount(event.metadata.usage?.outputTokens);
    return { ...(inputTokens === undefined ? {} : { inputTokens }), ...(outputTokens === undefined ? {} : { outputTokens }) };
  }
  return {};
}
