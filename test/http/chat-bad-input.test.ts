import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chat, recordModelCalls, type RecordedCall } from '../support/chat';
import { startHarness, type Harness } from '../support/local-harness';

const SESSION = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';
const send = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ action: 'sendMessage', data, ...extra });

function expectError(body: unknown, code: string): void {
  expect(body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }) });
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

function rawPost(server: http.Server, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/chat', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    // The server may answer 413 and close before it has read everything.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(body);
  });
}

describe('POST /chat refuses bad input with the status and code of the rule it breaks', () => {
  let h: Harness;
  let calls: RecordedCall[];
  let server: http.Server;
  beforeAll(async () => {
    h = await startHarness({ configure: (c) => void (calls = recordModelCalls(c)) });
    server = http.createServer(h.local.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
  });
  afterAll(async () => {
    server.close();
    await h.close();
  });

  // The schema (seed 002's first layer): 400.
  it.each([
    ['a body that is an array', [], 'invalid_request'],
    ['a body that is a string', 'sendMessage', 'invalid_request'],
    ['no action', { data: { message: 'hi' } }, 'invalid_action'],
    ['an unknown action', { action: 'sendmessage', data: { message: 'hi' } }, 'invalid_action'],
    ['no data', { action: 'sendMessage' }, 'invalid_data'],
    ['data that is not an object', { action: 'sendMessage', data: 'hi' }, 'invalid_data'],
    ['sendMessage without a message', send({}), 'message_required'],
    ['a message that is not a string', send({ message: 42 }), 'invalid_message'],
    ['an empty message', send({ message: '' }), 'message_empty'],
    ['a message of 4,001 characters', send({ message: 'a'.repeat(4_001) }), 'message_too_long'],
    ['a session id that is not a UUID', send({ message: 'hi', sessionId: 'abc' }), 'invalid_session_id'],
    ['an upper-case session id', send({ message: 'hi', sessionId: SESSION.toUpperCase() }), 'invalid_session_id'],
    ['a UUID v1 session id', send({ message: 'hi', sessionId: '3f2b8c1e-9a4d-1c6b-8e2f-1a2b3c4d5e6f' }), 'invalid_session_id'],
    ['a session id with the wrong variant', send({ message: 'hi', sessionId: '3f2b8c1e-9a4d-4c6b-ce2f-1a2b3c4d5e6f' }), 'invalid_session_id'],
    ['a session id that is a number', send({ message: 'hi', sessionId: 7 }), 'invalid_session_id'],
    ['getHistory without a session id', { action: 'getHistory', data: {} }, 'session_id_required'],
    ['clearSession without a session id', { action: 'clearSession', data: {} }, 'session_id_required'],
    ['an unknown language', send({ message: 'hi', preferredLanguage: 'fr' }), 'invalid_language'],
    ['an unknown model preference', send({ message: 'hi', modelPreference: 'cheap' }), 'invalid_model_preference'],
    ['a temperature above 1', send({ message: 'hi', temperature: 1.5 }), 'invalid_temperature'],
    ['a temperature that is a string', send({ message: 'hi', temperature: 'hot' }), 'invalid_temperature'],
    ['metadata that is not an object', send({ message: 'hi' }, { metadata: 'v1' }), 'invalid_metadata'],
    ['a fractional metadata timestamp', send({ message: 'hi' }, { metadata: { timestamp: 1.5 } }), 'invalid_metadata'],
    ['a client version with control characters', send({ message: 'hi' }, { metadata: { clientVersion: 'v1\u0007' } }), 'invalid_metadata'],
    ['an unknown top-level field', send({ message: 'hi' }, { debug: true }), 'unknown_field'],
    ['a misspelt session id field', send({ message: 'hi', sessionID: SESSION }), 'unknown_field'],
    ['fields that try to steer the upstream', send({ message: 'hi', model: 'http://evil.example/v1', api_base: 'http://evil.example' }), 'unknown_field'],
    ['an unknown metadata field', send({ message: 'hi' }, { metadata: { clientVersion: '1.0', userId: 'u1' } }), 'unknown_field'],
  ])('%s → 400 %s', async (_name, body, code) => {
    const before = calls.length;
    const res = await h.http.post('/chat').set('content-type', 'application/json').send(JSON.stringify(body)).expect(400);
    expectError(res.body, code);
    expect(calls.length).toBe(before);
  });

  it('names every broken rule in details, and the first in the code', async () => {
    const res = await h.http.post('/chat').send({ action: 'nope', data: { message: '', preferredLanguage: 'fr' } }).expect(400);
    expect(res.body.error.code).toBe('invalid_action');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['action', 'data.message', 'data.preferredLanguage']);
  });

  // The server-side rules (seed 002's second layer): 422, before any model is called.
  it.each([
    ['a null byte', 'hello\u0000world', 'null_byte'],
    ['an unpaired surrogate', 'bad \ud800 half', 'lone_surrogate'],
    ['too many control characters', 'a\u0001\u0002\u0003\u0004b', 'too_many_control_characters'],
    ['only zero-width characters', '\u200b\u200d\ufeff', 'message_blank'],
    ['only spaces', '   \n\t ', 'message_blank'],
  ])('%s → 422 %s', async (_name, message, code) => {
    const before = calls.length;
    const res = await chat(h, 'sendMessage', { message }).expect(422);
    expectError(res.body, code);
    expect(calls.length).toBe(before);
  });

  it('counts characters as JSON Schema does (code points): 4,000 emoji pass, and zero-width characters are removed before the model sees the text', async () => {
    await chat(h, 'sendMessage', { message: '\u{1f600}'.repeat(4_000) }).expect(200);
    await chat(h, 'sendMessage', { message: 'Am\u200bazon S\u200d3 \u30ab\u3099' }).expect(200);
    expect(calls[calls.length - 1]?.request.messages.at(-1)?.content).toBe('Amazon S3 \u30ac');
  });

  it('413 past the chat body limit (32 KB) and the app limit, 415 for another media type, 400 for broken JSON or UTF-8', async () => {
    const big = Buffer.from(JSON.stringify(send({ message: 'x', padding: 'y'.repeat(40_000) })));
    expectError((await rawPost(server, big, { 'content-type': 'application/json' })).body, 'payload_too_large');
    const huge = await rawPost(server, Buffer.alloc(1_048_576, 0x20), { 'content-type': 'application/json', 'content-length': String(1_048_576) });
    expect(huge.status).toBe(413);
    const text = await h.http.post('/chat').set('content-type', 'text/plain').send('{"action":"sendMessage"}').expect(415);
    expectError(text.body, 'unsupported_media_type');
    expectError((await h.http.post('/chat').set('content-type', 'application/json').send('{"action":').expect(400)).body, 'invalid_json');
    const badUtf8 = Buffer.concat([Buffer.from('{"action":"sendMessage","data":{"message":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const res = await rawPost(server, badUtf8, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expectError(res.body, 'invalid_utf8');
    const deep = `{"action":"sendMessage","data":{"message":"hi"},"metadata":{"clientVersion":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    expect((await h.http.post('/chat').set('content-type', 'application/json').send(deep)).status).toBe(400);
  });

  it('other methods → 405 with Allow: POST', async () => {
    const res = await h.http.get('/chat').expect(405);
    expect(res.headers.allow).toBe('POST');
    expectError(res.body, 'method_not_allowed');
  });
});

describe('the 16 KB byte rule (seed 002), which binds once the character limit allows longer messages', () => {
  it('→ 422 message_too_large, measured in UTF-8 bytes after cleaning', async () => {
    const h = await startHarness({ env: { CHAT_MAX_MESSAGE_CHARS: '10000' } });
    try {
      // 5,462 CJK characters are under 10,000 characters but 16,386 bytes.
      expectError((await chat(h, 'sendMessage', { message: '雲'.repeat(5_462) }).expect(422)).body, 'message_too_large');
      await chat(h, 'sendMessage', { message: `${'雲'.repeat(5_461)}\u200b\u200b` }).expect(200);
    } finally {
      await h.close();
    }
  });
});
