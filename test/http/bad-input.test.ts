import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/local-harness';

const valid = {
  sayingId: 'x',
  saying: 'A saying',
  source: 'From the Cloud Sayings collection',
  feedbackType: 'POSITIVE',
  executionTime: 1,
  isCached: false,
  originalLlmTime: null,
};

function expectErrorShape(body: unknown, code: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

/** Sends raw bytes, for bodies supertest would re-encode. */
function rawPost(server: http.Server, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input on every route', () => {
  let h: Harness;
  let server: http.Server;
  beforeAll(async () => {
    h = await startHarness();
    server = http.createServer(h.local.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
  });
  afterAll(async () => {
    server.close();
    await h.close();
  });

  it.each([
    ['post', '/sayings', 'GET'],
    ['delete', '/sayings', 'GET'],
    ['get', '/feedback', 'POST'],
    ['put', '/feedback', 'POST'],
    ['post', '/stats', 'GET'],
    ['patch', '/health', 'GET'],
  ] as const)('%s %s → 405 with Allow: %s', async (method, path, allow) => {
    const res = await h.http[method](path).expect(405);
    expect(res.headers.allow).toBe(allow);
    expectErrorShape(res.body, 'method_not_allowed');
  });

  it('unknown route → 404', async () => {
    const res = await h.http.get('/nope').expect(404);
    expectErrorShape(res.body, 'not_found');
  });

  describe('POST /feedback', () => {
    it('empty body → 400', async () => {
      const res = await h.http.post('/feedback').set('Content-Type', 'application/json').send('').expect(400);
      expectErrorShape(res.body, 'invalid_request');
    });

    it('invalid JSON → 400', async () => {
      const res = await h.http.post('/feedback').set('Content-Type', 'application/json').send('{"sayingId": ').expect(400);
      expectErrorShape(res.body, 'invalid_json');
    });

    it('wrong content type → 415', async () => {
      const res = await h.http.post('/feedback').set('Content-Type', 'text/plain').send('hello').expect(415);
      expectErrorShape(res.body, 'unsupported_media_type');
    });

    it('wrong types → 400 naming each field', async () => {
      const res = await h.http
        .post('/feedback')
        .send({ ...valid, feedbackType: 'MEH', executionTime: 'fast', isCached: 'no', sayingId: 42 })
        .expect(400);
      expectErrorShape(res.body, 'invalid_request');
      const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
      expect(paths).toEqual(['executionTime', 'feedbackType', 'isCached', 'sayingId']);
    });

    it('a JSON array or scalar → 400', async () => {
      await h.http.post('/feedback').set('Content-Type', 'application/json').send('[1,2]').expect(400);
      await h.http.post('/feedback').set('Content-Type', 'application/json').send('"text"').expect(400);
    });

    it.each([
      ['1 MB', 1024 * 1024],
      ['10 MB', 10 * 1024 * 1024],
    ])('%s body → 413 before parsing (FAULTS #17)', async (_label, size) => {
      const res = await rawPost(server, '/feedback', Buffer.alloc(size, 0x20), { 'content-type': 'application/json', 'content-length': String(size) });
      expect(res.status).toBe(413);
      expectErrorShape(res.body, 'payload_too_large');
    });

    it('invalid UTF-8 → 400 (FAULTS #18)', async () => {
      const bytes = Buffer.concat([Buffer.from('{"sayingId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const res = await rawPost(server, '/feedback', bytes, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'invalid_utf8');
    });

    it.each([
      ['a lone surrogate', '\\ud800'],
      ['a NUL byte', '\\u0000'],
      ['a control character', '\\u0007'],
    ])('%s in a field → 400 (FAULTS #18)', async (_label, escape) => {
      const body = `{"sayingId":"x${escape}","saying":"s","source":"From the Cloud Sayings collection","feedbackType":"POSITIVE","executionTime":1,"isCached":false}`;
      const res = await h.http.post('/feedback').set('Content-Type', 'application/json').send(body).expect(400);
      expectErrorShape(res.body, 'invalid_request');
      expect(res.body.error.details[0].path).toBe('sayingId');
    });

    it('10,000-deep nesting → 400 (FAULTS #19)', async () => {
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const res = await h.http.post('/feedback').set('Content-Type', 'application/json').send(`{"sayingId":${deep}}`).expect(400);
      expectErrorShape(res.body, 'invalid_request');
    });

    it('a bad Idempotency-Key → 400', async () => {
      const res = await h.http.post('/feedback').set('Idempotency-Key', 'x'.repeat(200)).send(valid).expect(400);
      expectErrorShape(res.body, 'invalid_request');
    });

    it('out-of-range numbers → 400', async () => {
      await h.http.post('/feedback').send({ ...valid, executionTime: -1 }).expect(400);
      await h.http.post('/feedback').send({ ...valid, originalLlmTime: 1e12 }).expect(400);
    });
  });

  describe('GET /stats', () => {
    it.each([
      ['from=yesterday', 'from'],
      ['to=13-13-2020', 'to'],
      ['vendor=ibm', 'vendor'],
      ['from=2000&to=1000', 'from'],
    ])('?%s → 400 naming %s', async (query, field) => {
      const res = await h.http.get(`/stats?${query}`).expect(400);
      expectErrorShape(res.body, 'invalid_request');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    });

    it('an unknown model → 400', async () => {
      const res = await h.http.get('/stats?model=gpt-9').expect(400);
      expectErrorShape(res.body, 'unknown_model');
    });

    it('a repeated parameter → 400', async () => {
      const res = await h.http.get('/stats?vendor=openai&vendor=anthropic').expect(400);
      expectErrorShape(res.body, 'invalid_request');
    });
  });

  it('GET /sayings and /health ignore a body and query they do not use', async () => {
    await h.http.get('/sayings?x=1').expect(200);
    await h.http.get('/health?verbose=1').expect(200);
  });
});
