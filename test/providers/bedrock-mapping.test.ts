import { converseStreamPiece, fromConverseOutput } from '../../src/adapters/providers/bedrock/converse-mapping';
import { finishReasonOf, tokenCount } from '../../src/adapters/providers/bedrock/finish-reason';
import { claudeStreamPiece, fromClaudeResponse, parseClaudeJson, toClaudeBody } from '../../src/adapters/providers/bedrock/invoke-claude-mapping';
import { toPromptTurns } from '../../src/adapters/providers/bedrock/prompt-turns';
import { streamEvents } from '../../src/adapters/providers/bedrock/stream-pieces';
import { LlmProviderError, type LlmStreamEvent } from '../../src/ports/llm-provider';

/** The pure mappers, on inputs the fake does not send. */
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function* of<T>(...items: T[]): AsyncIterable<T> {
  yield* items;
}

describe('toPromptTurns', () => {
  it('joins system messages apart and consecutive turns of one role, and keeps alternation', () => {
    expect(
      toPromptTurns([
        { role: 'system', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'system', content: 'c' },
        { role: 'assistant', content: 'd' },
        { role: 'assistant', content: 'e' },
        { role: 'user', content: 'f' },
      ]),
    ).toEqual({
      system: 'a\n\nc',
      turns: [
        { role: 'user', text: 'b' },
        { role: 'assistant', text: 'd\n\ne' },
        { role: 'user', text: 'f' },
      ],
    });
    expect(toPromptTurns([{ role: 'user', content: 'x' }])).toEqual({ system: undefined, turns: [{ role: 'user', text: 'x' }] });
  });

  it('leaves system out of the Claude body when there is none', () => {
    expect(toClaudeBody({ model: 'm', messages: [{ role: 'user', content: 'x' }], maxTokens: 5, temperature: 0, signal: undefined })).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0,
    });
  });
});

describe('token counts and finish reasons', () => {
  it('keeps only whole non-negative counts', () => {
    expect([3, 0, -1, 1.5, NaN, '4', null, undefined].map(tokenCount)).toEqual([3, 0, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('maps the remaining stop reasons', () => {
    expect(['model_context_window_exceeded', 'malformed_model_output', 'malformed_tool_use', undefined].map(finishReasonOf)).toEqual(['length', 'error', 'error', 'unknown']);
  });
});

describe('Converse mapping', () => {
  it('rejects an output without a message', () => {
    expect(() => fromConverseOutput({ output: undefined, stopReason: 'end_turn', usage: undefined, metrics: undefined, $metadata: {} })).toThrow(LlmProviderError);
  });

  it('joins text blocks and ignores other blocks; a missing usage stays undefined', () => {
    const result = fromConverseOutput({
      output: { message: { role: 'assistant', content: [{ text: 'a' }, { toolUse: { toolUseId: 't', name: 'n', input: {} } }, { text: 'b' }] } },
      stopReason: 'tool_use',
      usage: undefined,
      metrics: undefined,
      $metadata: {},
    });
    expect(result).toEqual({ text: 'ab', usage: { inputTokens: undefined, outputTokens: undefined }, finishReason: 'other', rawFinishReason: 'tool_use' });
  });

  it('ignores stream events it has no use for', () => {
    expect(converseStreamPiece({ contentBlockStart: { start: undefined, contentBlockIndex: 0 } })).toEqual({});
    expect(converseStreamPiece({ metadata: { usage: undefined, metrics: undefined } })).toEqual({});
  });
});

describe('Claude mapping', () => {
  it('rejects bodies that are empty, not JSON, not an object, or without content', () => {
    expect(() => parseClaudeJson(undefined, 'body')).toThrow('bedrock sent an invalid response: body is empty');
    expect(() => parseClaudeJson(bytes('{'), 'body')).toThrow('body is not JSON');
    expect(() => parseClaudeJson(bytes('[1]'), 'body')).toThrow('body is not a JSON object');
    expect(() => fromClaudeResponse({ type: 'message' })).toThrow('Claude response has no content');
  });

  it('keeps text blocks only', () => {
    const body = parseClaudeJson(bytes(JSON.stringify({ content: [{ type: 'text', text: 'a' }, { type: 'tool_use', id: 'x' }, { type: 'text', text: 'b' }], stop_reason: 'max_tokens' })), 'body');
    expect(fromClaudeResponse(body)).toEqual({ text: 'ab', usage: { inputTokens: undefined, outputTokens: undefined }, finishReason: 'length', rawFinishReason: 'max_tokens' });
  });

  it.each([
    ['overloaded_error', 'unavailable'],
    ['api_error', 'unavailable'],
    ['rate_limit_error', 'rate-limited'],
    ['invalid_request_error', 'invalid-response'],
  ])('maps an in-stream %s event to %s', (type, kind) => {
    expect(() => claudeStreamPiece({ type: 'error', error: { type, message: 'm' } })).toThrow(expect.objectContaining({ kind }));
  });

  it('ignores non-text deltas and unknown events', () => {
    expect(claudeStreamPiece({ type: 'content_block_delta', delta: { type: 'input_json_delta', partial_json: '{' } })).toEqual({});
    expect(claudeStreamPiece({ type: 'ping' })).toEqual({});
  });
});

describe('streamEvents', () => {
  it('treats a stream that ends without its stop event as cut short (unavailable)', async () => {
    await expect(collect(streamEvents(of({ text: 'a' }), (p) => p, undefined))).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('rejects a response without a stream', async () => {
    await expect(collect(streamEvents(undefined, (p: object) => p, undefined))).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('lets a later count replace an earlier one, and a missing one leave it be', async () => {
    const events = await collect(streamEvents(of({ inputTokens: 3, outputTokens: 1 }, { text: 'x', outputTokens: 7 }, { stopReason: 'end_turn' }), (p) => p, undefined));
    expect(events.at(-1)).toEqual({ type: 'finish', usage: { inputTokens: 3, outputTokens: 7 }, finishReason: 'stop', rawFinishReason: 'end_turn' });
  });
});
