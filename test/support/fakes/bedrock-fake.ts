import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { EventStreamCodec } from '@smithy/core/event-streams';

/**
 * A wire-level stand-in for one Bedrock Runtime region. One port speaks both cleartext HTTP/2 (the SDK's
 * default handler) and HTTP/1.1 (`NodeHttpHandler`): the first bytes of each connection pick the server.
 */
export type Operation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

export interface FakeUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

export type FakeBehaviour =
  /** A normal answer; `usage: null` leaves usage out; streams send `deltas` (default: the text word by word). */
  | { readonly kind: 'ok'; readonly text?: string; readonly usage?: FakeUsage | null; readonly stopReason?: string; readonly deltas?: readonly string[] }
  /** An AWS error: the status, `x-amzn-errortype` (e.g. ThrottlingException) and a JSON `{ message }` body. */
  | { readonly kind: 'status'; readonly status: number; readonly errorType?: string; readonly message?: string; readonly headers?: Readonly<Record<string, string>> }
  /** Never answers (until the client gives up or the fake closes). */
  | { readonly kind: 'hang' }
  /** 200 with a body (or, for streams, an event payload) that is not valid JSON. */
  | { readonly kind: 'malformed' }
  /** 200, then the connection breaks after `afterDeltas` text deltas (JSON operations: after half the body). */
  | { readonly kind: 'cut-stream'; readonly afterDeltas?: number; readonly text?: string }
  /** A stream that sends `afterDeltas` deltas, then an exception frame such as `throttlingException`. */
  | { readonly kind: 'stream-exception'; readonly afterDeltas?: number; readonly exceptionType: string };

export interface RecordedRequest {
  readonly operation: Operation;
  /** Decoded from the URL-encoded path segment. */
  readonly modelId: string;
  readonly path: string;
  /** Whatever came before `/model/` (a base path in the client's endpoint). */
  readonly prefix: string;
  readonly protocol: 'h1' | 'h2';
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** The prompt read from either API's body. */
  readonly prompt: { readonly system: readonly string[]; readonly messages: readonly { readonly role: string; readonly text: string }[] };
}

export interface BedrockFakeOptions {
  /** The behaviour when the script is empty (default: `ok` with a fixed text). */
  readonly respond?: (request: RecordedRequest) => FakeBehaviour | Promise<FakeBehaviour>;
}

export interface BedrockFake {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Connections accepted, by protocol. */
  readonly connections: { readonly h1: number; readonly h2: number };
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: FakeBehaviour[]): void;
  /** Requests received, optionally of one operation. */
  count(operation?: Operation): number;
  /** Forgets requests, the script and the connection counts. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_TEXT = 'Amazon S3 never forgets, which is more than can be said for its bill.';
export const FAKE_USAGE = { inputTokens: 21, outputTokens: 13 } as const;

const CUT_DELAY_MS = 30;
const ROUTE = /^(.*)\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const codec = new EventStreamCodec((bytes) => Buffer.from(bytes).toString('utf8'), utf8);
const str = (value: string) => ({ type: 'string' as const, value });

type Req = IncomingMessage | Http2ServerRequest;
/** What both protocols' responses can do, as one type. */
interface Res {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  /** Breaks the connection (HTTP/2: resets the stream). */
  cut(): void;
}

function asRes(res: ServerResponse | Http2ServerResponse): Res {
  const target = res as unknown as Omit<Res, 'cut'>;
  return {
    writeHead: (status, headers) => target.writeHead(status, headers),
    write: (chunk) => target.write(chunk),
    end: (chunk) => (chunk === undefined ? target.end() : target.end(chunk)),
    cut: () => {
      if ('stream' in res) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else res.socket?.destroy();
    },
  };
}

export async function startBedrockFake(options: BedrockFakeOptions = {}): Promise<BedrockFake> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  const connections = { h1: 0, h2: 0 };
  const sockets = new Set<net.Socket>();

  const handle = async (req: Req, res: Res): Promise<void> => {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const match = ROUTE.exec(path);
    if (!match || req.method !== 'POST') return void respondJson(res, 404, { message: `no route ${req.method} ${path}` }, 'UnknownOperationException');
    const body = parseJson(raw);
    const recorded: RecordedRequest = {
      operation: match[3] as Operation,
      modelId: decodeURIComponent(match[2] ?? ''),
      path,
      prefix: match[1] ?? '',
      protocol: req.httpVersionMajor === 2 ? 'h2' : 'h1',
      headers: { ...req.headers },
      body,
      prompt: promptOf(body),
    };
    requests.push(recorded);
    const behaviour = queue.shift() ?? (await options.respond?.(recorded)) ?? { kind: 'ok' };
    play(recorded.operation, behaviour, res);
  };

  const h1 = http.createServer((req, res) => void handle(req, asRes(res)));
  const h2 = http2.createServer((req, res) => void handle(req, asRes(res)));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (head) => {
      socket.pause();
      if (head.subarray(0, 3).toString('latin1') === 'PRI') {
        connections.h2++;
        h2.emit('connection', replay(socket, head));
      } else {
        connections.h1++;
        socket.unshift(head);
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections,
    script: (...behaviours) => void queue.push(...behaviours),
    count: (operation) => requests.filter((r) => operation === undefined || r.operation === operation).length,
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      connections.h1 = 0;
      connections.h2 = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      h1.close();
      h2.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * HTTP/2 reads from the socket's native handle and would miss bytes pushed back with `unshift`, so the h2
 * server gets a duplex that replays the sniffed head, then relays the socket.
 */
function replay(socket: net.Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy();
      callback(error);
    },
  });
  duplex.push(head);
  socket.on('data', (chunk) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  return duplex;
}

function play(operation: Operation, behaviour: FakeBehaviour, res: Res): void {
  const streaming = operation === 'converse-stream' || operation === 'invoke-with-response-stream';
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'status':
      return respondJson(res, behaviour.status, { message: behaviour.message ?? `fake ${behaviour.status}` }, behaviour.errorType, behaviour.headers);
    case 'malformed':
      if (!streaming) return sendJson(res, 200, operation === 'converse' ? '{"output": {"message":' : 'not json at all');
      startStream(res);
      return void res.end(Buffer.from(operation === 'converse-stream' ? eventFrame('contentBlockDelta', '{"delta": {') : chunkFrame('not json')));
    default:
  }
  const text = ('text' in behaviour ? behaviour.text : undefined) ?? FAKE_TEXT;
  if (!streaming) {
    const json = JSON.stringify(operation === 'converse' ? converseBody(behaviour, text) : claudeBody(behaviour, text));
    if (behaviour.kind !== 'cut-stream') return sendJson(res, 200, json);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
    res.write(json.slice(0, json.length >> 1));
    return res.cut();
  }
  const frames = operation === 'converse-stream' ? converseFrames(behaviour, text) : claudeFrames(behaviour, text);
  startStream(res);
  for (const frame of frames) res.write(Buffer.from(frame));
  // A reset can overtake data still buffered on the client, so deltas get a moment to arrive before it.
  if (behaviour.kind === 'cut-stream') return void setTimeout(() => res.cut(), (behaviour.afterDeltas ?? 0) > 0 ? CUT_DELAY_MS : 0);
  if (behaviour.kind === 'stream-exception') res.write(Buffer.from(exceptionFrame(behaviour.exceptionType)));
  res.end();
}

type Answer = Extract<FakeBehaviour, { kind: 'ok' | 'cut-stream' | 'stream-exception' }>;

const usageOf = (b: Answer): FakeUsage | null => (b.kind === 'ok' ? (b.usage === undefined ? FAKE_USAGE : b.usage) : FAKE_USAGE);
const stopOf = (b: Answer): string => (b.kind === 'ok' && b.stopReason) || 'end_turn';
const deltasOf = (b: Answer, text: string): readonly string[] => {
  const all = (b.kind === 'ok' && b.deltas) || text.split(/(?<=\s)/);
  return b.kind === 'ok' ? all : all.slice(0, b.afterDeltas ?? 0);
};

function converseBody(b: Answer, text: string): unknown {
  const usage = usageOf(b);
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: stopOf(b),
    ...(usage ? { usage: { ...usage, totalTokens: (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) } } : {}),
    metrics: { latencyMs: 42 },
  };
}

function claudeBody(b: Answer, text: string): unknown {
  const usage = usageOf(b);
  return {
    id: 'msg_fake', type: 'message', role: 'assistant', model: 'claude-fake',
    content: [{ type: 'text', text }],
    stop_reason: stopOf(b), stop_sequence: null,
    ...(usage ? { usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } } : {}),
  };
}

function converseFrames(b: Answer, text: string): Uint8Array[] {
  const usage = usageOf(b);
  const frames = [eventFrame('messageStart', { role: 'assistant' })];
  for (const delta of deltasOf(b, text)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: delta } }));
  if (b.kind !== 'ok') return frames;
  frames.push(eventFrame('contentBlockStop', { contentBlockIndex: 0 }), eventFrame('messageStop', { stopReason: stopOf(b) }));
  frames.push(eventFrame('metadata', { ...(usage ? { usage: { ...usage, totalTokens: (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) } } : {}), metrics: { latencyMs: 42 } }));
  return frames;
}

function claudeFrames(b: Answer, text: string): Uint8Array[] {
  const usage = usageOf(b);
  const chunk = (json: unknown) => chunkFrame(JSON.stringify(json));
  const frames = [
    chunk({ type: 'message_start', message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model: 'claude-fake', stop_reason: null, ...(usage ? { usage: { input_tokens: usage.inputTokens, output_tokens: 1 } } : {}) } }),
    chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (const delta of deltasOf(b, text)) frames.push(chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: delta } }));
  if (b.kind !== 'ok') return frames;
  frames.push(chunk({ type: 'content_block_stop', index: 0 }));
  frames.push(chunk({ type: 'message_delta', delta: { stop_reason: stopOf(b), stop_sequence: null }, ...(usage ? { usage: { output_tokens: usage.outputTokens } } : {}) }));
  frames.push(chunk({ type: 'message_stop', ...(usage ? { 'amazon-bedrock-invocationMetrics': { inputTokenCount: usage.inputTokens, outputTokenCount: usage.outputTokens } } : {}) }));
  return frames;
}

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return codec.encode({
    headers: { ':message-type': str('event'), ':event-type': str(eventType), ':content-type': str('application/json') },
    body: utf8(body),
  });
}

/** InvokeModelWithResponseStream wraps each model event as `{"bytes": base64(json)}`. */
function chunkFrame(json: string): Uint8Array {
  return eventFrame('chunk', { bytes: Buffer.from(json, 'utf8').toString('base64') });
}

function exceptionFrame(exceptionType: string): Uint8Array {
  return codec.encode({
    headers: { ':message-type': str('exception'), ':exception-type': str(exceptionType), ':content-type': str('application/json') },
    body: utf8(JSON.stringify({ message: `fake ${exceptionType}` })),
  });
}

function startStream(res: Res): void {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake-request' });
}

function sendJson(res: Res, status: number, body: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'fake-request', ...headers });
  res.end(body);
}

function respondJson(res: Res, status: number, body: unknown, errorType?: string, headers: Readonly<Record<string, string>> = {}): void {
  // Bedrock sends the type with a namespace suffix, which the SDK strips.
  const typeHeader: Record<string, string> = errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/` } : {};
  sendJson(res, status, JSON.stringify(body), { ...typeHeader, ...headers });
}

async function readBody(req: Req): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('\n') : '';

function promptOf(body: unknown): RecordedRequest['prompt'] {
  if (!isObject(body)) return { system: [], messages: [] };
  const system = typeof body.system === 'string' ? [body.system] : Array.isArray(body.system) ? body.system.map((s) => textOf([s])) : [];
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject).map((m) => ({ role: String(m.role), text: textOf(m.content) })) : [];
  return { system, messages };
}
