import { connect } from 'node:net';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import type { CapturedLog } from '../support/local-harness';

/*
 * The access line (ADR 0006): one per request from either door — the gateway's own for `/v1/`, Express for the
 * rest — with the request's id, and one too for a request whose client left before its answer was complete.
 */

const accessLines = (logs: readonly CapturedLog[]) => logs.filter((l) => l.message === 'request' || l.message === 'request failed');

async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends a request's head and part of its declared body, then closes the socket: a client that left. */
function leaveMidBody(url: string, method: string, path: string, requestId: string, headers: Record<string, string> = {}): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries({ host: `${hostname}:${port}`, 'content-type': 'application/json', 'content-length': '500', 'x-request-id': requestId, ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n{"model":`, () => setTimeout(() => socket.destroy(), 50));
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('the access line', () => {
  let gw: Gateway;
  let key: string;
  beforeAll(async () => {
    gw = await startGateway();
    key = gw.keys.issue().key;
  });
  afterAll(() => gw.close());
  beforeEach(() => gw.harness.logs.splice(0));

  it.each([
    ['the gateway door', '/v1/models', true],
    ['the Express door', '/health', false],
  ])('%s writes one line with method, path, status, duration and the request id', async (_door, path, authorized) => {
    const res = await fetch(`${gw.url}${path}`, { headers: { 'x-request-id': 'req-access-0001', ...(authorized ? { authorization: `Bearer ${key}` } : {}) } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const line = await until(() => accessLines(gw.harness.logs)[0], 'access line');
    expect(line).toMatchObject({ level: 'info', message: 'request', requestId: 'req-access-0001', fields: { method: 'GET', path, status: 200 } });
    expect(typeof line.fields?.durationMs).toBe('number');
    expect(line.fields).not.toHaveProperty('aborted');
    expect(accessLines(gw.harness.logs)).toHaveLength(1);
  });

  it('the gateway door echoes the request id on every kind of answer: JSON, its own errors, a route error, a stream', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const chat = (stream: boolean) => ({ method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi.' }], stream }) });
    const cases: Array<[string, RequestInit, number]> = [
      ['/v1/models', { headers: auth }, 200],
      ['/v1/models', {}, 401],
      ['/v1/nowhere', { headers: auth }, 404],
      ['/v1/chat/completions', { ...chat(false), headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' } }, 415],
      ['/v1/chat/completions', chat(false), 200],
      ['/v1/chat/completions', chat(true), 200],
    ];
    for (const [i, [path, init, status]] of cases.entries()) {
      const id = `req-echo-000${i}`;
      const res = await fetch(`${gw.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-request-id': id } });
      await res.arrayBuffer();
      expect({ path, status: res.status, id: res.headers.get('x-request-id') }).toEqual({ path, status, id });
    }
    const made = await fetch(`${gw.url}/v1/models`, { headers: { ...auth, 'x-request-id': 'no spaces allowed' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the gateway door masks a path segment shaped like a secret, and never logs the query (FAULTS #28)', async () => {
    const secret = 'sk-proj-0123456789abcdefghijklmnop';
    for (const path of ['/v1/models/gpt-4.1-mini', '/v1/models/gpt-4.1-mini', `/v1/models/${secret}?api_key=${secret}`, `/v1/models/${encodeURIComponent(`Bearer ${secret}`)}`]) {
      const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
    }
    await until(() => (accessLines(gw.harness.logs).length === 4 ? true : undefined), 'four access lines');
    expect(accessLines(gw.harness.logs).map((l) => l.fields?.path)).toEqual(['/v1/models/gpt-4.1-mini', '/v1/models/gpt-4.1-mini', '/v1/models/[redacted]', '/v1/models/[redacted]']);
    expect(JSON.stringify(gw.harness.logs)).not.toContain('0123456789abcdefghijklmnop');
  });

  it('the gateway door says 401 for a request without a key, at info (a client error is not a server failure)', async () => {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { 'x-request-id': 'req-access-0002' } });
    expect(res.status).toBe(401);
    const line = await until(() => accessLines(gw.harness.logs)[0], 'access line');
    expect(line).toMatchObject({ level: 'info', requestId: 'req-access-0002', fields: { status: 401 } });
  });

  it('the gateway door logs a client that left before its answer: status 499, aborted, with its request id', async () => {
    const upstreamBefore = gw.upstreamRequests();
    await leaveMidBody(gw.url, 'POST', '/v1/chat/completions', 'req-access-0003', { authorization: `Bearer ${key}` });
    const line = await until(() => accessLines(gw.harness.logs)[0], 'access line');
    expect(line).toMatchObject({ level: 'info', message: 'request', requestId: 'req-access-0003', fields: { method: 'POST', path: '/v1/chat/completions', status: 499, aborted: true } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accessLines(gw.harness.logs)).toHaveLength(1);
    expect(gw.upstreamRequests()).toBe(upstreamBefore);
  });

  it('the Express door logs a request whose client left mid-body once, with its request id', async () => {
    await leaveMidBody(gw.url, 'POST', '/chat', 'req-access-0005');
    const line = await until(() => accessLines(gw.harness.logs)[0], 'access line');
    // Express answers a body cut short with 400 (to a closed socket) unless the close came first.
    expect(line).toMatchObject({ level: 'info', message: 'request', requestId: 'req-access-0005', fields: { method: 'POST', path: '/chat' } });
    expect([400, 499]).toContain(line.fields?.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accessLines(gw.harness.logs)).toHaveLength(1);
  });

  it('the gateway door logs a stream the client left mid-way: status 200 (already sent), aborted', async () => {
    gw.openai.script({ kind: 'ok', deltas: Array.from({ length: 200 }, (_, i) => `word${i} `), intervalMs: 20 });
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'req-access-0004' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Talk for a while.' }], stream: true }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const line = await until(() => accessLines(gw.harness.logs)[0], 'access line');
    expect(line).toMatchObject({ level: 'info', requestId: 'req-access-0004', fields: { path: '/v1/chat/completions', status: 200, aborted: true } });
    await gw.settled();
    const errors = gw.harness.logs.filter((l) => l.level === 'error');
    expect(errors).toEqual([]);
  });
});
