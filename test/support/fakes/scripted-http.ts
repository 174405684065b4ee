import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The engine behind the wire-level provider fakes (`openai-fake.ts`, `anthropic-fake.ts`): a real HTTP
 * server on 127.0.0.1 that answers each request with the next scripted behaviour, in the vendor's own
 * protocol, and records what it received. Tests use the vendor fakes; this file only holds what they share.
 */

export interface FakeUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** What the fake does with one request. Streaming or not follows the request body's `stream: true`. */
export type FakeBehaviour =
  /**
   * A complete answer. `text` defaults to a short sentence; `deltas` (streaming) defaults to `text` split
   * after each whitespace run; `usage: null` leaves usage out (default: an estimate from the request and
   * text); `finishReason: null` sends none (default: the vendor's normal stop); `intervalMs` pauses
   * between stream events.
   */
  | {
      readonly kind: 'ok';
      readonly text?: string;
      readonly deltas?: readonly string[];
      readonly usage?: FakeUsage | null;
      readonly finishReason?: string | null;
      readonly intervalMs?: number;
    }
  /** This status; `body` is sent as JSON, or verbatim if a string (default: the vendor's error JSON). */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown }
  /** Reads the request and never answers (the socket is closed by `close()`). */
  | { readonly kind: 'hang' }
  /** 200 and headers at once, then the normal answer's bytes at this rate. */
  | { readonly kind: 'drip'; readonly bytesPerSecond: number }
  /** 200 with a body that is not valid JSON (or an SSE event whose data is not). */
  | { readonly kind: 'malformed' }
  /** The first `afterChunks` SSE events, then the socket is destroyed (JSON: half the body, then destroyed). */
  | { readonly kind: 'cut-stream'; readonly afterChunks: number }
  /** SSE: the first text delta, then the vendor's in-stream error event, then a clean end. JSON: 200 headers, then the socket is destroyed. */
  | { readonly kind: 'stream-error-after-headers' };

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** When its body had arrived (epoch ms), for tests of waits between requests. */
  readonly receivedAt: number;
}

export interface FakeServer {
  /** Pass this as the SDK's `baseURL`. */
  readonly url: string;
  /** Queues behaviours, one per coming request, in order. */
  script(...behaviours: FakeBehaviour[]): void;
  /** Every request received, in order, including ones that hit an unknown path. */
  readonly requests: readonly RecordedRequest[];
  /** Forgets the recorded requests and the unused script. */
  reset(): void;
  /** Closes every socket (hanging ones too) and the server. Safe to call twice. */
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Answers a request when the script is empty; the default is `{ kind: 'ok' }`. */
  readonly respond?: (request: RecordedRequest) => FakeBehaviour | Promise<FakeBehaviour>;
}

/** An `ok` behaviour with its defaults filled in. */
export interface Answer {
  readonly text: string;
  readonly deltas: readonly string[];
  readonly usage: FakeUsage | null;
  readonly finishReason: string | null;
}

/** How one vendor says things on the wire. */
export interface WireProtocol {
  readonly path: string;
  readonly baseUrlSuffix: string;
  readonly defaultFinishReason: string;
  json(request: RecordedRequest, answer: Answer): unknown;
  /** Complete SSE frames (`…\n\n`), in order, including any terminator. */
  frames(request: RecordedRequest, answer: Answer): readonly string[];
  errorBody(status: number): unknown;
  readonly malformedFrame: string;
  readonly errorFrame: string;
  /** How many of `frames` go out before `errorFrame`: up to and including the first text delta. */
  readonly framesBeforeError: number;
}

const DEFAULT_TEXT = 'Amazon SQS: the queue that waits so your services do not have to.';

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const estimate = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function answerFor(request: RecordedRequest, ok: Extract<FakeBehaviour, { kind: 'ok' }>, protocol: WireProtocol): Answer {
  const text = ok.text ?? DEFAULT_TEXT;
  const deltas = ok.deltas ?? text.split(/(?<=\s)/).filter((d) => d !== '');
  const usage = ok.usage === undefined ? { inputTokens: estimate(JSON.stringify(request.body)), outputTokens: estimate(text) } : ok.usage;
  return { text, deltas, usage, finishReason: ok.finishReason === undefined ? protocol.defaultFinishReason : ok.finishReason };
}

export async function startScriptedServer(protocol: WireProtocol, options: FakeOptions = {}): Promise<FakeServer> {
  const queue: FakeBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed: Promise<void> | undefined;

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => void (timers.delete(timer) && fn()), ms);
    timers.add(timer);
  };

  const sse = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });

  const writeFrames = (res: ServerResponse, frames: readonly string[], intervalMs: number, done: () => void): void => {
    const next = (i: number): void => {
      if (res.destroyed) return;
      if (i >= frames.length) return done();
      res.write(frames[i] ?? '');
      if (intervalMs > 0) later(intervalMs, () => next(i + 1));
      else next(i + 1);
    };
    next(0);
  };

  const drip = (res: ServerResponse, payload: Buffer, bytesPerSecond: number): void => {
    const tickMs = Math.max(10, Math.floor(1000 / bytesPerSecond));
    const perTick = Math.max(1, Math.round((bytesPerSecond * tickMs) / 1000));
    const step = (offset: number): void => {
      if (res.destroyed) return;
      if (offset >= payload.length) return void res.end();
      res.write(payload.subarray(offset, offset + perTick));
      later(tickMs, () => step(offset + perTick));
    };
    step(0);
  };

  /** Lets written bytes leave before the socket goes, so the client sees data and then a cut. */
  const cut = (res: ServerResponse): void => later(20, () => res.socket?.destroy());

  function perform(behaviour: FakeBehaviour, request: RecordedRequest, res: ServerResponse): void {
    const streaming = isRecord(request.body) && request.body.stream === true;
    const answer = answerFor(request, { kind: 'ok' }, protocol);
    switch (behaviour.kind) {
      case 'ok': {
        const full = answerFor(request, behaviour, protocol);
        if (!streaming) return sendJson(res, 200, protocol.json(request, full));
        sse(res);
        return writeFrames(res, protocol.frames(request, full), behaviour.intervalMs ?? 0, () => res.end());
      }
      case 'status': {
        const body = behaviour.body === undefined ? protocol.errorBody(behaviour.status) : behaviour.body;
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const type = typeof body === 'string' ? 'text/plain' : 'application/json';
        res.writeHead(behaviour.status, { 'content-type': type, ...behaviour.headers });
        return void res.end(text);
      }
      case 'hang':
        return;
      case 'drip': {
        const payload = streaming ? protocol.frames(request, answer).join('') : JSON.stringify(protocol.json(request, answer));
        if (streaming) sse(res);
        else res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return drip(res, Buffer.from(payload), behaviour.bytesPerSecond);
      }
      case 'malformed':
        if (!streaming) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "broken", "choices": [{"mess');
        sse(res);
        return void res.end(protocol.malformedFrame);
      case 'cut-stream': {
        if (!streaming) {
          const body = JSON.stringify(protocol.json(request, answer));
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
          res.write(body.slice(0, Math.floor(body.length / 2)));
          return cut(res);
        }
        sse(res);
        return writeFrames(res, protocol.frames(request, answer).slice(0, behaviour.afterChunks), 0, () => cut(res));
      }
      case 'stream-error-after-headers': {
        if (!streaming) {
          res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
          return cut(res);
        }
        sse(res);
        const frames = [...protocol.frames(request, answer).slice(0, protocol.framesBeforeError), protocol.errorFrame];
        return writeFrames(res, frames, 0, () => res.end());
      }
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const request = record(req, await readBody(req));
      requests.push(request);
      if (req.method !== 'POST' || request.path.split('?')[0] !== protocol.path) return sendJson(res, 404, protocol.errorBody(404));
      const behaviour = queue.shift() ?? (await options.respond?.(request)) ?? { kind: 'ok' };
      perform(behaviour, request, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { fakeError: String(error) });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${protocol.baseUrlSuffix}`,
    requests,
    script: (...behaviours) => void queue.push(...behaviours),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        timers.forEach((t) => clearTimeout(t));
        timers.clear();
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function record(req: IncomingMessage, raw: string): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown = raw;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    // Not JSON: keep the text, so a test can see what was sent.
  }
  return { method: req.method ?? '', path: req.url ?? '', headers, body, receivedAt: Date.now() };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
