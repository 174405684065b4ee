import type { LlmMessage } from '../../../ports/llm-provider';

export interface PromptTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface PromptTurns {
  readonly system: string | undefined;
  readonly turns: readonly PromptTurn[];
}

/**
 * Both Bedrock APIs take the system prompt apart from the conversation, and Converse rejects two turns in a
 * row from the same role, so consecutive messages of one role are joined into one turn.
 */
export function toPromptTurns(messages: readonly LlmMessage[]): PromptTurns {
  const system: string[] = [];
  const turns: PromptTurn[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const previous = turns.at(-1);
    if (previous?.role === message.role) turns[turns.length - 1] = { role: message.role, text: `${previous.text}\n\n${message.content}` };
    else turns.push({ role: message.role, text: message.content });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, turns };
}
