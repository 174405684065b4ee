import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body, still arriving: read it whole (`readAll`) or as it comes. */
  readonly body: IncomingMessage;
}

export interface KeepAliveHttp {
  /** One request; resolves when the response headers are in. Aborting `signal` destroys the request at any point. */
  send(url: URL, method: string, headers: OutgoingHttpHeaders, body: string | undefined, signal: AbortSignal | undefined): Promise<HttpAnswer>;
}

/**
 * Requests over keep-alive connections (node:http / node:https agents, one pool per host), with nothing between
 * the caller and the socket: no WHATWG Request/Response/Headers, no per-call timers. Errors are node's own (with
 * their `code`), or the signal's reason once it fired.
 */
export function keepAliveHttp(maxSockets = 256): KeepAliveHttp {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets, scheduling: 'lifo' }),
    https: new HttpsAgent({ keepAlive: true, maxSockets, scheduling: 'lifo' }),
  };
  return {
    send: (url, method, headers, body, signal) =>
      new Promise<HttpAnswer>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const secure = url.protocol === 'https:';
        const req = (secure ? httpsRequest : httpRequest)(url, { method, headers, agent: secure ? agents.https : agents.http });
        const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal?.removeEventListener('abort', onAbort));
        req.once('error', (error) => reject(signal?.aborted ? signal.reason : error));
        req.once('response', (res) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res }));
        req.end(body);
      }),
  };
}

/** The whole body; rejects with the socket's error if the connection breaks first. */
export function readAll(body: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    body.once('error', reject);
    body.once('aborted', () => reject(Object.assign(new Error('the connection closed before the body ended'), { code: 'ECONNRESET' })));
  });
}

/** `headers.get(name)`, as the shared classification reads Retry-After. */
export const headerReader = (headers: IncomingHttpHeaders) => ({
  get: (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  },
});

/**
 * Server-sent events as the `data:` payload of each event, as they arrive (comments, `event:` and `id:` lines
 * are skipped). Ends when the body ends; rejects if the connection breaks first.
 */
export async function* sseData(body: IncomingMessage): AsyncGenerator<string> {
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
