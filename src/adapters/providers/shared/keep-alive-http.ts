import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';

export type AnswerHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface HttpAnswer {
  readonly status: number;
  /** Lower-case names, as the wire sent them. */
  readonly headers: AnswerHeaders;
  /** The body, still arriving: read it whole (`readAll`) or as it comes. */
  readonly body: Readable;
}

export interface KeepAliveHttp {
  /** One request; resolves when the response headers are in. Aborting `signal` destroys the request at any point. */
  send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<HttpAnswer>;
}

/**
 * Requests over keep-alive connections: undici's `Agent` (one pool per origin), the client the minimal proxy of the
 * gateway benchmark uses, with nothing between the caller and the socket — no WHATWG Request/Response/Headers, no
 * per-call timers (the resilience layer's signal is the deadline; undici's own header and body timeouts stay as a
 * backstop). Errors are undici's (a refused connection keeps node's `code`), or the signal's reason once it fired.
 * It replaced node:http's ClientRequest and Agent, which cost about twice as much CPU per call (ADR 0015).
 */
export function keepAliveHttp(connections = 256, dispatcher: Dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1 })): KeepAliveHttp {
  return {
    send: async (url, method, headers, body, signal) => {
      if (signal?.aborted) throw signal.reason;
      try {
        const answer = await dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: method as Dispatcher.HttpMethod, headers, body, signal });
        return { status: answer.statusCode, headers: answer.headers, body: answer.body };
      } catch (error) {
        throw signal?.aborted ? signal.reason : error;
      }
    },
  };
}

/** The whole body; rejects with the socket's error if the connection breaks first. */
export function readAll(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    body.once('error', reject);
  });
}

/** `headers.get(name)`, as the shared classification reads Retry-After. */
export const headerReader = (headers: AnswerHeaders) => ({
  get: (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  },
});

/**
 * Server-sent events as the `data:` payload of each event, as they arrive (comments, `event:` and `id:` lines
 * are skipped). Ends when the body ends; rejects if the connection breaks first.
 */
export async function* sseData(body: Readable): AsyncGenerator<string> {
  let buffered = '';
  let data: string[] = [];
  let ended = false;
  body.once('end', () => (ended = true));
  body.setEncoding('utf8');
  for await (const chunk of body as AsyncIterable<string>) {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }
  if (!ended) throw Object.assign(new Error('the connection closed before the stream ended'), { code: 'ECONNRESET' });
  if (data.length > 0) yield data.join('\n');
}
