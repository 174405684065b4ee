import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An OpenAI-shaped upstream whose streams the test drives by hand: every streaming request becomes a `HeldStream`
 * that sends nothing until told to, so a test can prove the gateway passes each chunk on before the next one even
 * exists, and see the gateway abort its upstream call when the client leaves.
 */
export interface HeldStream {
  /** The request body the gateway sent. */
  readonly body: Record<string, unknown>;
  /** Writes one content delta (`chat.completion.chunk`). */
  delta(text: string): void;
  /** The finish chunk, a usage chunk and `[DONE]`, then the end. */
  finish(usage?: { prompt: number; completion: number }): void;
  /** An in-band error event after the headers went out, then the end (FAULTS #8). */
  fail(): void;
  /** Destroys the socket mid-stream, without `[DONE]` (FAULTS #7). */
  cut(): void;
  /** Resolves when the connection closed before `finish` — the gateway aborted, or `cut` was called. */
  readonly aborted: Promise<void>;
}

export interface HeldUpstream {
  /** Pass as OPENAI_BASE_URL: ends in `/v1`. */
  readonly url: string;
  /** Resolves with the next streaming request once its headers are out. */
  nextStream(): Promise<HeldStream>;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startHeldUpstream(): Promise<HeldUpstream> {
  const waiting: ((s: HeldStream) => void)[] = [];
  const ready: HeldStream[] = [];
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const stream = held(res, body);
      const taker = waiting.shift();
      if (taker) taker(stream);
      else ready.push(stream);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    nextStream: () => {
      const stream = ready.shift();
      return stream ? Promise.resolve(stream) : new Promise((resolve) => waiting.push(resolve));
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

function held(res: ServerResponse, body: Record<string, unknown>): HeldStream {
  let finished = false;
  let signalAborted: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (signalAborted = resolve));
  res.on('close', () => {
    if (!finished) signalAborted();
  });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-held', object: 'chat.completion.chunk', created: 1, model: body.model, choices, ...extra })}\n\n`);
  let first = true;
  return {
    body,
    aborted,
    delta: (text) => {
      chunk([{ index: 0, delta: first ? { role: 'assistant', content: text } : { content: text }, finish_reason: null }]);
      first = false;
    },
    finish: (usage = { prompt: 10, completion: 5 }) => {
      finished = true;
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      chunk([], { usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } });
      res.end('data: [DONE]\n\n');
    },
    fail: () => {
      finished = true;
      res.end(`data: ${JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error', param: null, code: null } })}\n\n`);
    },
    cut: () => res.socket?.destroy(),
  };
}
