import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export interface NodeHttpFetchOptions {
  /** Sockets per upstream host; requests beyond queue for a free one. */
  readonly maxSockets?: number;
}

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

const abortError = (signal: AbortSignal): unknown => signal.reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });

/** As the built-in fetch rejects: a TypeError whose cause is the socket's error, with its `code`. */
const networkError = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

/**
 * `fetch` for the vendor SDKs (their `fetch` option) on node:http with keep-alive agents. Node 20's built-in fetch
 * costs about 0.3 ms of CPU a call more than node:http on this machine — more than the gateway's whole latency
 * budget (ADR 0015) — for WHATWG machinery an SDK call does not need.
 *
 * It covers what the SDKs send: a string or byte body, a signal. JSON answers are read whole, event streams are
 * handed over as they arrive; anything else (a stream body, form data) goes to the built-in fetch. Failures reject
 * as fetch's do — the signal's reason on abort, a TypeError caused by the socket's error otherwise — so the SDKs'
 * and our error mapping see what they expect.
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): typeof fetch {
  const maxSockets = options.maxSockets ?? 256;
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets, scheduling: 'lifo' }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets, scheduling: 'lifo' }),
  } as const;

  return (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body;
    const protocol = url.protocol === 'http:' || url.protocol === 'https:' ? url.protocol : undefined;
    if (protocol === undefined || !(body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array)) return fetch(input, init);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));

    return new Promise<Response>((resolve, reject) => {
      const send = protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: init?.method ?? 'GET', headers: nodeHeaders(init?.headers), agent: agents[protocol] });
      const onAbort = () => req.destroy(signal ? (abortError(signal) as Error) : undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      const release = () => signal?.removeEventListener('abort', onAbort);
      req.once('error', (error) => {
        release();
        reject(signal?.aborted ? abortError(signal) : networkError(error));
      });
      req.once('response', (res: IncomingMessage) => {
        const headers = webHeaders(res);
        const status = res.statusCode ?? 502;
        const statusText = res.statusMessage ?? '';
        if (/^text\/event-stream/i.test(headers.get('content-type') ?? '')) {
          res.once('close', release);
          resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, statusText, headers }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (error) => {
          release();
          reject(signal?.aborted ? abortError(signal) : networkError(error));
        });
        res.once('end', () => {
          release();
          const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          resolve(new Response(status === 204 || status === 304 ? null : bytes, { status, statusText, headers }));
        });
      });
      req.end(body ?? undefined);
    });
  };
}

function nodeHeaders(headers: FetchInit['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (headers === undefined) return out;
  new Headers(headers).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function webHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? '', raw[i + 1] ?? '');
  return headers;
}
