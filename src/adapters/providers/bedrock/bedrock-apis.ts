import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClient,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { LlmRequest, LlmResult, LlmStreamEvent } from '../../../ports/llm-provider';
import { converseStreamPiece, fromConverseOutput, toConverseInput } from './converse-mapping';
import { claudeStreamPiece, fromClaudeResponse, parseClaudeJson, toClaudeBody } from './invoke-claude-mapping';
import { streamEvents, type StreamPiece } from './stream-pieces';

export type BedrockApiName = 'converse' | 'invoke-claude';

/** One way of calling a model on Bedrock, against one region's client. */
export interface BedrockApi {
  generate(client: BedrockRuntimeClient, request: LlmRequest): Promise<LlmResult>;
  stream(client: BedrockRuntimeClient, request: LlmRequest): AsyncIterable<LlmStreamEvent>;
}

const options = (request: LlmRequest) => (request.signal ? { abortSignal: request.signal } : {});

/** Converse and ConverseStream: Bedrock's model-neutral API. */
export const converseApi: BedrockApi = {
  async generate(client, request) {
    return fromConverseOutput(await client.send(new ConverseCommand(toConverseInput(request)), options(request)));
  },
  async *stream(client, request) {
    const output = await client.send(new ConverseStreamCommand(toConverseInput(request)), options(request));
    yield* streamEvents(output.stream, converseStreamPiece, request.signal);
  },
};

/** InvokeModel and InvokeModelWithResponseStream with Claude's own Messages body. */
export const invokeClaudeApi: BedrockApi = {
  async generate(client, request) {
    const output = await client.send(
      new InvokeModelCommand({ modelId: request.model, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(toClaudeBody(request)) }),
      options(request),
    );
    return fromClaudeResponse(parseClaudeJson(output.body, 'InvokeModel body'));
  },
  async *stream(client, request) {
    const output = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: request.model, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(toClaudeBody(request)) }),
      options(request),
    );
    yield* streamEvents(output.body, chunkPiece, request.signal);
  },
};

/** Each chunk carries one Claude event as JSON bytes (base64 on the wire; the SDK decodes it). */
function chunkPiece(event: ResponseStream): StreamPiece {
  return event.chunk ? claudeStreamPiece(parseClaudeJson(event.chunk.bytes, 'stream chunk')) : {};
}

export const BEDROCK_APIS: Readonly<Record<BedrockApiName, BedrockApi>> = { converse: converseApi, 'invoke-claude': invokeClaudeApi };
