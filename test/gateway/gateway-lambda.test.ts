import { PassThrough, type Writable } from 'node:stream';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import OpenAI from 'openai';
import type { HttpRequest, HttpResult } from '../../src/entrypoints/http/core/http-types';
import type { ApiRoute } from '../../src/entrypoints/http/routes/api-routes';
import type { LogFields, Logger } from '../../src/ports/logger';
import type { MetricsSink } from '../../src/ports/metrics-sink';
import { resolveRoutes } from '../../src/entrypoints/container/routes';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { functionUrlHandler, type AwsLambdaStreaming, type StreamingHandler } from '../../src/entrypoints/lambda/function-url-stream';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import { startHeldUpstream, type HeldUpstream } from '../support/gateway/held-upstream';

/*
 * The gateway's Lambda handler (issue 5, item 9) with response streaming, run here with the `awslambda` global the
 * Node.js Lambda runtime provides: `streamifyResponse` marks the handler, `HttpResponseStream.from` writes the HTTP
 * prelude (status and headers as JSON, then eight NUL bytes) before the body, as the runtime's own does.
 */

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const awslambda: AwsLambdaStreaming = {
  streamifyResponse: <H>(handler: H): H => Object.assign(handler as object, { [STREAMING]: 'response' }) as H,
  HttpResponseStream: {
    from: (stream: Writable, prelude) => {
      stream.write(JSON.stringify(prelude));
      stream.write(new Uint8Array(8));
      return stream;
    },
  },
};

/** What a function URL client receives: the prelude, then the body as written, piece by piece with its arrival. */
class ResponseCapture {
  readonly stream = new PassThrough();
  private readonly chunks: Buffer[] = [];
  readonly arrivals: string[] = [];
  constructor() {
    this.stream.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.arrivals.push(c.toString('utf8'));
    });
  }
  get prelude(): { statusCode: number; headers: Record<string, string> } {
    const all = Buffer.concat(this.chunks);
    return JSON.parse(all.subarray(0, all.indexOf(Buffer.alloc(8))).toString('utf8')) as { statusCode: number; headers: Record<string, string> };
  }
  get body(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(all.indexOf(Buffer.alloc(8)) + 8).toString('utf8');
  }
}

const event = (method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; query?: string } = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: init.query ?? '',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    isBase64Encoded: false,
    requestContext: { requestId: 'fn-url-request-id-1', http: { method, path, sourceIp: '203.0.113.9', protocol: 'HTTP/1.1', userAgent: 'test' } },
  }) as unknown as APIGatewayProxyEventV2;

let held: HeldUpstream;
let gw: Gateway;
let handler: StreamingHandler;
let key: string;
beforeAll(async () => {
  held = await startHeldUpstream();
  gw = await startGateway({ env: { OPENAI_BASE_URL: held.url } });
  const { container, config, logger } = gw.harness.local;
  const runtime = { routes: resolveRoutes(container), logger, metrics: container.get<MetricsSink>(TOKENS.MetricsSink), config };
  handler = functionUrlHandler(awslambda, () => Promise.resolve(runtime));
  key = gw.keys.issue().key;
});
afterAll(async () => {
  await gw.close();
  await held.close();
});

it('is a response-streaming handler as the Lambda runtime expects', () => {
  expect((handler as unknown as Record<symbol, unknown>)[STREAMING]).toBe('response');
});

it('streams a chat completion as the upstream produces it: each chunk is written before the next exists', async () => {
  const capture = new ResponseCapture();
  const done = handler(event('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` }, body: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Stream on Lambda.' }], stream: true } }), capture.stream);
  const upstream = await held.nextStream();
  upstream.delta('Lambda ');
  await waitFor(() => capture.body.includes('Lambda '));
  expect(capture.prelude).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-cache': 'MISS', 'x-request-id': 'fn-url-request-id-1' } });
  expect(capture.body).not.toContain('[DONE]');
  upstream.delta('streams.');
  await waitFor(() => capture.body.includes('streams.'));
  upstream.finish();
  await done;
  expect(capture.body.endsWith('data: [DONE]\n\n')).toBe(true);
  const text = capture.body
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => (JSON.parse(e.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
    .join('');
  expect(text).toBe('Lambda streams.');
  // Pieces went out separately, not as one buffer at the end.
  expect(capture.arrivals.filter((a) => a.startsWith('data: ')).length).toBeGreaterThanOrEqual(3);
});

it('answers JSON completions, models and usage, after their settlement', async () => {
  const json = new ResponseCapture();
  const completion = handler(event('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` }, body: { model: 'bedrock-claude-3-haiku', messages: [{ role: 'user', content: 'JSON on Lambda.' }] } }), json.stream);
  await completion;
  expect(json.prelude.statusCode).toBe(200);
  expect(JSON.parse(json.body)).toMatchObject({ object: 'chat.completion', system_fingerprint: 'offline-simulation' });
  const models = new ResponseCapture();
  await handler(event('GET', '/v1/models', { headers: { authorization: `Bearer ${key}` } }), models.stream);
  expect(JSON.parse(models.body)).toMatchObject({ object: 'list', data: expect.arrayContaining([expect.objectContaining({ id: 'haiku' })]) });
  const usage = new ResponseCapture();
  await handler(event('GET', '/v1/usage', { headers: { authorization: `Bearer ${key}` } }), usage.stream);
  // The JSON completion's settlement finished before its handler returned: usage already counts it.
  expect(JSON.parse(usage.body)).toMatchObject({ object: 'usage', totals: { requests: expect.any(Number) } });
  expect((JSON.parse(usage.body) as { totals: { requests: number } }).totals.requests).toBeGreaterThanOrEqual(2);
});

it('answers errors in OpenAI’s shape: 401, 404 for another path, 405, 413', async () => {
  const cases: [APIGatewayProxyEventV2, number, string][] = [
    [event('POST', '/v1/chat/completions', { body: {} }), 401, 'invalid_api_key'],
    [event('GET', '/sayings'), 404, 'unknown_url'],
    [event('GET', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` } }), 405, 'method_not_allowed'],
    [event('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` }, body: { model: 'x', messages: [{ role: 'user', content: 'x'.repeat(600_000) }] } }), 413, 'request_too_large'],
    // A compressed body is refused as on the node door, not read as broken UTF-8.
    [event('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}`, 'content-encoding': 'gzip' }, body: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] } }), 415, 'unsupported_encoding'],
    // A body flagged base64 that is not: refused, not decoded into an empty or truncated body.
    [{ ...event('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${key}` } }), body: '{"model": "gpt-4.1-mini"}', isBase64Encoded: true }, 400, 'invalid_base64'],
  ];
  for (const [e, status, code] of cases) {
    const capture = new ResponseCapture();
    await handler(e, capture.stream);
    expect(capture.prelude.statusCode).toBe(status);
    expect(JSON.parse(capture.body)).toMatchObject({ error: { code, param: null } });
  }
});

it('the openai SDK can read the stream the handler writes', async () => {
  // A tiny function URL in front of the handler: the prelude becomes the HTTP status and headers.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = new PassThrough();
      let prelude = Buffer.alloc(0);
      let headersSent = false;
      out.on('data', (c: Buffer) => {
        if (headersSent) return void res.write(c);
        prelude = Buffer.concat([prelude, c]);
        const cut = prelude.indexOf(Buffer.alloc(8));
        if (cut < 0) return;
        const meta = JSON.parse(prelude.subarray(0, cut).toString()) as { statusCode: number; headers: Record<string, string> };
        res.writeHead(meta.statusCode, meta.headers);
        headersSent = true;
        if (prelude.length > cut + 8) res.write(prelude.subarray(cut + 8));
      });
      out.on('end', () => res.end());
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      void handler({ ...event(req.method ?? 'GET', (req.url ?? '/').split('?')[0] ?? '/', { headers }), body: Buffer.concat(chunks).toString() } as APIGatewayProxyEventV2, out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const client = new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const creating = client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'SDK through the function URL.' }], stream: true });
    const upstream = await held.nextStream();
    upstream.delta('Through ');
    upstream.delta('Lambda.');
    upstream.finish();
    let text = '';
    for await (const chunk of await creating) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Through Lambda.');
  } finally {
    server.close();
  }
});

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the handler did not write it');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the function URL door around its routes', () => {
  /** What the door logs, line by line. */
  const lines: { message: string; fields: LogFields | undefined }[] = [];
  const record = (message: string, fields?: LogFields) => void lines.push({ message, fields });
  const logger: Logger = { debug: () => undefined, info: record, warn: record, error: record };
  const metrics: MetricsSink = { record: () => undefined, flush: () => Promise.resolve() };
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const echo = (request: HttpRequest): Promise<HttpResult> =>
    Promise.resolve({ status: 200, headers: {}, body: { query: Object.entries(request.query), plain: Object.getPrototypeOf(request.query) === null } });
  const routes: ApiRoute[] = [
    // An answer that leaves work running (a settlement) which only the test can finish.
    { method: 'GET', path: '/v1/held', route: () => Promise.resolve({ status: 200, headers: {}, body: { answered: true }, after: held }) },
    { method: 'GET', path: '/v1/echo', route: echo },
    // Answers only once its client has left.
    { method: 'GET', path: '/v1/wait', route: (request) => new Promise((resolve) => request.signal?.addEventListener('abort', () => resolve({ status: 200, headers: {}, body: {} }))) },
  ];
  const door = functionUrlHandler(awslambda, () => Promise.resolve({ routes, logger, metrics, config: { GATEWAY_BODY_LIMIT_BYTES: 1_000 } }));
  const accessLines = () => lines.filter((l) => l.message === 'request' || l.message === 'request failed').map((l) => l.fields);
  beforeEach(() => void lines.splice(0));

  it('sends the answer before what it left running is done, and returns only once that is done', async () => {
    const capture = new ResponseCapture();
    let returned = false;
    const invocation = door(event('GET', '/v1/held'), capture.stream).then(() => (returned = true));
    await waitFor(() => capture.stream.writableEnded);
    expect(JSON.parse(capture.body)).toEqual({ answered: true });
    await new Promise((r) => setTimeout(r, 30));
    expect(returned).toBe(false);
    release();
    await invocation;
    expect(accessLines()).toEqual([{ method: 'GET', path: '/v1/held', status: 200, durationMs: expect.any(Number) }]);
  });

  it('writes one access line an invocation, without the query and with key-shaped segments masked', async () => {
    await door(event('GET', '/v1/echo', { query: 'token=cs_secret' }), new ResponseCapture().stream);
    await door(event('GET', '/v1/echo/cs_4f2b8c1d9e7a6b5c4d3e2f1a0b9c8d7e'), new ResponseCapture().stream);
    await door(event('DELETE', '/v1/echo'), new ResponseCapture().stream);
    expect(accessLines()).toEqual([
      { method: 'GET', path: '/v1/echo', status: 200, durationMs: expect.any(Number) },
      { method: 'GET', path: '/v1/echo/[redacted]', status: 404, durationMs: expect.any(Number) },
      { method: 'DELETE', path: '/v1/echo', status: 405, durationMs: expect.any(Number) },
    ]);
    expect(JSON.stringify(lines)).not.toContain('cs_');
  });

  it('logs a client that left before any answer as 499, aborted', async () => {
    const capture = new ResponseCapture();
    const invocation = door(event('GET', '/v1/wait'), capture.stream);
    await new Promise((r) => setTimeout(r, 10));
    capture.stream.destroy();
    await invocation;
    expect(accessLines()).toEqual([{ method: 'GET', path: '/v1/wait', status: 499, durationMs: expect.any(Number), aborted: true }]);
  });

  it('reads the query into an object without a prototype: __proto__ and toString are parameters like any other', async () => {
    const capture = new ResponseCapture();
    await door(event('GET', '/v1/echo', { query: '__proto__=1&__proto__=2&toString=x&from=3' }), capture.stream);
    expect(JSON.parse(capture.body)).toEqual({ query: [['__proto__', ['1', '2']], ['toString', 'x'], ['from', '3']], plain: true });
  });
});

describe('the deployed module', () => {
  const tables = { SAYINGS_TABLE: 'gw-sayings', FEEDBACK_TABLE: 'gw-feedback', USAGE_TABLE: 'gw-usage', API_KEYS_TABLE: 'gw-apiKeys', SESSIONS_TABLE: 'gw-sessions', JOBS_TABLE: 'gw-jobs' };
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { CONFIG_SOURCE: 'env', SECRETS_SOURCE: 'env', APP_ENV: 'dev', AWS_REGION: 'us-east-1', LOG_LEVEL: 'silent', ...tables }));
  const before = (globalThis as { awslambda?: unknown }).awslambda;
  afterAll(() => {
    process.env = saved;
    (globalThis as { awslambda?: unknown }).awslambda = before;
  });

  it('uses the runtime’s awslambda global, and still loads without it (the cold-start bench; the AWS SDK leaves an empty one)', async () => {
    const load = () =>
      new Promise<Record<string, unknown>>((resolve) => jest.isolateModules(() => resolve(require('../../src/entrypoints/lambda/gateway.handler') as Record<string, unknown>)));
    const without = await load();
    await expect((without.handler as StreamingHandler)(event('GET', '/v1/models'), new PassThrough())).rejects.toThrow(/awslambda global/);
    await (without.ready as Promise<unknown>).catch(() => undefined);
    (globalThis as { awslambda?: AwsLambdaStreaming }).awslambda = { ...((before as object | undefined) ?? {}), ...awslambda };
    const within = await load();
    expect((within.handler as Record<symbol, unknown>)[STREAMING]).toBe('response');
    await (within.ready as Promise<unknown>).catch(() => undefined);
  });
});
