import type { Clock } from '../../../ports/clock';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../../ports/llm-provider';
import { fromHttpFailure, fromTransportFailure, invalidResponse } from '../shared/classify';
import { headerReader, keepAliveHttp, readAll, sseData, type HttpAnswer, type KeepAliveHttp } from '../shared/keep-alive-http';
import { toChatCompletionParams, toStreamingParams } from './request-mapping';
import { fromChatCompletion, isRecord, OPENAI, OPENAI_BASE_URL } from './response-mapping';
import { toStreamEvents } from './stream-mapping';

export interface OpenAiHttpSettings {
  /** Read on every call, so a rotated key takes effect at once. Undefined: no key configured. */
  readonly apiKey: () => Promise<string | undefined>;
  /** Must include `/v1`. Undefined: OpenAI itself (never the `OPENAI_BASE_URL` environment variable). */
  readonly baseURL: string | undefined;
  /** Turns a `Retry-After` date into a delay. */
  readonly clock: Clock;
  readonly http?: KeepAliveHttp;
}

/**
 * OpenAI Chat Completions (or any server that speaks it) on a keep-alive undici pool, without the SDK (ADR 0015): the
 * SDK costs about 0.2 ms of CPU a call on this machine, as much as a whole minimal proxy, and the gateway's hot
 * path cannot carry it. Request and response mapping are the SDK adapter's own (request-mapping.ts,
 * response-mapping.ts, stream-mapping.ts), and both adapters pass the same contract and fault suites, so only
 * the transport differs. No retries here: they belong to the resilience layer.
 */
export class OpenAiHttpLlmProvider implements LlmProvider {
  readonly name = OPENAI;
  readonly offline = false;
  private readonly url: URL;
  private readonly http: KeepAliveHttp;

  constructor(private readonly settings: OpenAiHttpSettings) {
    this.url = new URL(`${(settings.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '')}/chat/completions`);
    this.http = settings.http ?? keepAliveHttp();
  }

  async generate(request: LlmRequest): Promise<LlmResult> {
    const answer = await this.send(request, JSON.stringify(toChatCompletionParams(request)), 'application/json');
    let text: string;
    try {
      text = (await readAll(answer.body)).toString('utf8');
    } catch (error) {
      throw fromTransportFailure(OPENAI, error, request.signal);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw invalidResponse(OPENAI, 'the body is not valid JSON', cause);
    }
    return fromChatCompletion(body);
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const answer = await this.send(request, JSON.stringify(toStreamingParams(request)), 'text/event-stream');
    try {
      yield* toStreamEvents(chunks(answer), request.signal);
    } catch (error) {
      if (error instanceof LlmProviderError) throw error;
      throw fromTransportFailure(OPENAI, error, request.signal);
    } finally {
      answer.body.destroy();
    }
  }

  /**
   * Sends the call; a non-2xx answer becomes the port's error. Its body (which can echo the prompt or the key) is
   * kept only in the error's `cause`, as the SDK keeps it, never in the message.
   */
  private async send(request: LlmRequest, body: string, accept: string): Promise<HttpAnswer> {
    const apiKey = await this.key();
    const headers = {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      accept,
      'user-agent': 'cloud-sayings',
    };
    let answer: HttpAnswer;
    try {
      answer = await this.http.send(this.url, 'POST', headers, body, request.signal);
    } catch (error) {
      throw fromTransportFailure(OPENAI, error, request.signal);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const upstreamBody = await readAll(answer.body).then((b) => b.subarray(0, 4_096).toString('utf8'), () => '');
    const cause = new Error(`HTTP ${answer.status}: ${upstreamBody}`);
    throw fromHttpFailure({ provider: OPENAI, status: answer.status, headers: headerReader(answer.headers), cause }, this.settings.clock.now());
  }

  private async key(): Promise<string> {
    let apiKey: string | undefined;
    try {
      apiKey = await this.settings.apiKey();
    } catch (cause) {
      throw new LlmProviderError('unavailable', `${OPENAI} API key could not be read`, { provider: OPENAI, cause });
    }
    if (!apiKey) throw new LlmProviderError('auth', `${OPENAI} has no API key configured`, { provider: OPENAI });
    return apiKey;
  }
}

/** Each event's JSON, until `[DONE]`; an `{"error": …}` event is the upstream failing mid-stream. */
async function* chunks(answer: HttpAnswer): AsyncGenerator<unknown> {
  for await (const data of sseData(answer.body)) {
    if (data === '[DONE]') return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch (cause) {
      throw invalidResponse(OPENAI, 'a stream event is not valid JSON', cause);
    }
    if (isRecord(chunk) && chunk.error !== undefined) {
      throw new LlmProviderError('unavailable', `${OPENAI} reported an error in the stream`, { provider: OPENAI });
    }
    yield chunk;
  }
}
