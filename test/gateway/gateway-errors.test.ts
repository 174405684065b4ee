import { APIError } from 'openai';
import type { GatewayCaller, ReserveOutcome } from '../../src/application/gateway/gateway-caller';
import { ApiKeyRepoError } from '../../src/ports/api-key-repo';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import { rawRequest, type RawAnswer } from '../support/gateway/raw-http';
import { TestGatewayKeys } from '../support/gateway/test-gateway-keys';

/*
 * Every status the gateway answers, each in OpenAI's error shape and nothing else (issue 5, items 1 and 11):
 * 400, 401, 404, 405, 413, 415, 429 (requests, tokens, budget, upstream), 502, 503, 504.
 */

const ask = [{ role: 'user', content: 'Say something.' }];
const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'gpt-4.1-mini', messages: ask, ...extra });

/** Exactly OpenAI's error body: four fields, `message` a sentence that says what to fix. */
function expectOpenAiError(answer: RawAnswer, status: number, code: string, type = 'invalid_request_error'): Record<string, unknown> {
  expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({ status });
  const body = answer.json<{ error: Record<string, unknown> }>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error).toMatchObject({ code, type });
  expect(String(body.error.message).length).toBeGreaterThan(10);
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  return body.error;
}

describe('client errors', () => {
  let gw: Gateway;
  let key: string;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(`${gw.url}/v1/chat/completions`, { body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers } });
  beforeAll(async () => {
    gw = await startGateway({ env: { GATEWAY_BODY_LIMIT_BYTES: '65536' } });
    key = gw.keys.issue().key;
  });
  afterAll(() => gw.close());
  afterEach(() => expect(gw.upstreamRequests()).toBe(0));

  it.each([
    ['invalid JSON', '{"model": "gpt-4.1-mini", "messages": [', 'invalid_json', null],
    ['a JSON array', '[1, 2]', 'invalid_value', null],
    ['no model', JSON.stringify({ messages: ask }), 'invalid_value', 'model'],
    ['no messages', JSON.stringify({ model: 'gpt-4.1-mini' }), 'invalid_value', 'messages'],
    ['an empty message list', chat({ messages: [] }), 'invalid_value', 'messages'],
    ['a tool message', chat({ messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }] }), 'invalid_value', 'messages[0].role'],
    ['an assistant tool call', chat({ messages: [{ role: 'assistant', content: 'x', tool_calls: [] }] }), 'unknown_parameter', 'messages[0].tool_calls'],
    ['an unknown role', chat({ messages: [{ role: 'wizard', content: 'x' }] }), 'invalid_value', 'messages[0].role'],
    ['an image part', chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] }), 'invalid_value', 'messages[0].content'],
    ['n = 2', chat({ n: 2 }), 'unsupported_value', 'n'],
    ['n = 1000', chat({ n: 1000 }), 'unsupported_value', 'n'],
    ['temperature 3', chat({ temperature: 3 }), 'invalid_value', 'temperature'],
    ['max_tokens 0', chat({ max_tokens: 0 }), 'invalid_value', 'max_tokens'],
    ['max_tokens 2.5', chat({ max_tokens: 2.5 }), 'invalid_value', 'max_tokens'],
    ['stream "yes"', chat({ stream: 'yes' }), 'invalid_value', 'stream'],
    ['top_p 0.5', chat({ top_p: 0.5 }), 'invalid_value', 'top_p'],
    ['tools', chat({ tools: [{ type: 'function', function: { name: 'f' } }] }), 'invalid_value', 'tools'],
    ['response_format json_schema', chat({ response_format: { type: 'json_schema' } }), 'invalid_value', 'response_format'],
    ['an unknown field', chat({ frobnicate: true }), 'unknown_parameter', 'frobnicate'],
    ['audio output', chat({ modalities: ['text', 'audio'] }), 'invalid_value', 'modalities'],
    ['a safety_identifier past 64 characters', chat({ safety_identifier: 'u'.repeat(65) }), 'invalid_value', 'safety_identifier'],
    ['an unknown prompt_cache_retention', chat({ prompt_cache_retention: 'forever' }), 'invalid_value', 'prompt_cache_retention'],
    ['an unknown stream option', chat({ stream: true, stream_options: { include_usage: true, chunk_size: 5 } }), 'unknown_parameter', 'stream_options.chunk_size'],
    ['a NUL character', chat({ messages: [{ role: 'user', content: 'a\u0000b' }] }), 'invalid_value', 'messages[0].content'],
    ['a lone surrogate', '{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"x\\ud800y"}]}', 'invalid_value', 'messages[0].content'],
    ['mostly control characters', chat({ messages: [{ role: 'user', content: `a${'\u0007'.repeat(10)}` }] }), 'invalid_value', 'messages[0].content'],
    ['10,000-deep nesting', `{"model":"gpt-4.1-mini","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'nesting_too_deep', null],
  ])('400 for %s, before any upstream call', async (_what, body, code, param) => {
    const error = expectOpenAiError(await post(body), 400, code);
    expect(error.param).toBe(param);
  });

  it('400 for bytes that are not UTF-8 (FAULTS #18)', async () => {
    const body = Buffer.concat([Buffer.from('{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    expectOpenAiError(await post(body), 400, 'invalid_utf8');
  });

  it('400 for a request whose output budget alone exceeds the key’s tokens per minute', async () => {
    const small = gw.keys.issue({ tpm: 100 });
    const answer = await rawRequest(`${gw.url}/v1/chat/completions`, { body: chat({ max_tokens: 200 }), headers: { authorization: `Bearer ${small.key}`, 'content-type': 'application/json' } });
    expect(expectOpenAiError(answer, 400, 'tokens_over_limit')).toMatchObject({ param: 'max_tokens' });
  });

  it('404 model_not_found for an unknown model; 400 for a URL posing as one', async () => {
    expect(expectOpenAiError(await post(chat({ model: 'gpt-9-ultra' })), 404, 'model_not_found')).toMatchObject({ param: 'model' });
    for (const model of ['http://169.254.169.254/latest', 'https://evil.example/v1', 'file:///etc/passwd', '../../admin', 'openai/gpt-4.1']) {
      expectOpenAiError(await post(chat({ model })), 400, 'invalid_model');
    }
  });

  it('404 and 405 on /v1 paths in OpenAI’s shape, with Allow', async () => {
    const unknown = await rawRequest(`${gw.url}/v1/embeddings`, { headers: { authorization: `Bearer ${key}` }, body: '{}' });
    expectOpenAiError(unknown, 404, 'unknown_url');
    const wrong = await rawRequest(`${gw.url}/v1/chat/completions`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
    expectOpenAiError(wrong, 405, 'method_not_allowed');
    expect(wrong.headers.allow).toBe('POST');
    // HEAD is answered where GET is, with the head alone, exact and pattern paths alike.
    for (const path of ['/v1/models', '/v1/models/gpt-4.1-mini']) {
      const head = await rawRequest(`${gw.url}${path}`, { method: 'HEAD', headers: { authorization: `Bearer ${key}` } });
      expect({ path, status: head.status, text: head.text }).toEqual({ path, status: 200, text: '' });
      expect(head.headers['content-type']).toMatch(/^application\/json/);
    }
    const headPost = await rawRequest(`${gw.url}/v1/chat/completions`, { method: 'HEAD', headers: { authorization: `Bearer ${key}` } });
    expect(headPost.status).toBe(405);
    // The product's own routes keep their own shape.
    const app = await rawRequest(`${gw.url}/nothing-here`, { method: 'GET' });
    expect(app.status).toBe(404);
    expect(app.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('400 for a query parameter named after an object property (__proto__, toString): refused, not dropped', async () => {
    for (const query of ['__proto__=1', '__proto__=1&__proto__=2', 'toString=1']) {
      const answer = await rawRequest(`${gw.url}/v1/usage?${query}`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
      const error = expectOpenAiError(answer, 400, 'unknown_parameter');
      expect({ query, param: error.param }).toEqual({ query, param: query.split('=')[0] });
    }
  });

  it('413 from Content-Length before the body is read (1 MB, 10 MB), and 413 for a chunked body past the limit (FAULTS #17)', async () => {
    for (const size of [1_048_576, 10_485_760]) {
      const answer = await post(Buffer.alloc(size, 0x20));
      expectOpenAiError(answer, 413, 'request_too_large');
    }
    const chunked = await rawRequest(`${gw.url}/v1/chat/completions`, {
      body: Buffer.alloc(1_048_576, 0x20), chunked: true, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    expectOpenAiError(chunked, 413, 'request_too_large');
  });

  it('415 for another media type, charset or a compressed body', async () => {
    expectOpenAiError(await post(chat(), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    expectOpenAiError(await post(chat(), { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_charset');
    expectOpenAiError(await post(chat(), { 'content-encoding': 'gzip' }), 415, 'unsupported_encoding');
  });
});

describe('401: one identical body for every key that does not authenticate', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('answers missing, malformed, oversized, unknown and revoked keys alike, with no upstream call', async () => {
    const revoked = gw.keys.issue();
    gw.keys.revoke(revoked.keyId);
    const headers: (Record<string, string>)[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${'a'.repeat(10_240)}` },
      { authorization: "Bearer ' OR 1=1 --" },
      // UTF-8 bytes on the wire (node refuses to send non-Latin-1 header text itself).
      { authorization: Buffer.from('Bearer cs_ключ_🔑').toString('latin1') },
      { authorization: 'Bearer cs_test_unknownunknownunknown' },
      { authorization: `Bearer ${revoked.key}` },
      { 'x-api-key': gw.keys.issue().key },
    ];
    const bodies = new Set<string>();
    for (const h of headers) {
      for (const path of ['/v1/chat/completions', '/v1/models', '/v1/usage']) {
        const answer = await rawRequest(`${gw.url}${path}`, { method: path.endsWith('completions') ? 'POST' : 'GET', headers: { 'content-type': 'application/json', ...h }, ...(path.endsWith('completions') ? { body: chat() } : {}) });
        expect(answer.status).toBe(401);
        bodies.add(answer.text);
      }
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0] ?? '{}')).toEqual({
      error: { message: expect.stringContaining('API key'), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
    expect(gw.upstreamRequests()).toBe(0);
  });

  it('the openai SDK sees an AuthenticationError', async () => {
    const error = await gw.client('cs_test_wrong').chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});

describe('429: requests, tokens and budget per key, with OpenAI’s rate-limit headers', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());
  const send = (key: string, extra: Record<string, unknown> = {}) =>
    rawRequest(`${gw.url}/v1/chat/completions`, { body: chat(extra), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });

  it('counts requests per minute: the third of two is refused with Retry-After and x-ratelimit-*', async () => {
    const { key } = gw.keys.issue({ rpm: 2 });
    const ok = await send(key, { max_tokens: 10 });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-limit-tokens': '100000000' });
    expect(ok.headers['x-ratelimit-reset-requests']).toMatch(/^\d+(\.\d+)?m?s$|^\d+m\d+(\.\d+)?s$/);
    expect((await send(key, { max_tokens: 10 })).status).toBe(200);
    const refused = await send(key, { max_tokens: 10 });
    expect(expectOpenAiError(refused, 429, 'rate_limit_exceeded', 'requests').message).toContain('2 requests per minute');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(refused.headers['x-ratelimit-remaining-requests']).toBe('0');
  });

  it('counts tokens per minute (input estimate + max_tokens)', async () => {
    const { key } = gw.keys.issue({ tpm: 200 });
    const first = await send(key, { max_tokens: 150 });
    expect(first.status).toBe(200);
    const left = Number(first.headers['x-ratelimit-remaining-tokens']);
    expect(left).toBeLessThan(50);
    expect(left).toBeGreaterThan(20);
    const refused = await send(key, { max_tokens: 150 });
    expectOpenAiError(refused, 429, 'rate_limit_exceeded', 'tokens');
    expect(refused.headers['x-ratelimit-limit-tokens']).toBe('200');
    // A request small enough for what is left still goes through: the refused one took nothing.
    expect((await send(key, { max_tokens: 5 })).status).toBe(200);
  });

  it('refuses a request the budget cannot cover with insufficient_quota / budget_exceeded (FAULTS #25)', async () => {
    const { key, keyId } = gw.keys.issue({ budgetNano: 50_000 });
    const refused = await send(key, { max_tokens: 100 });
    expectOpenAiError(refused, 429, 'budget_exceeded', 'insufficient_quota');
    expect(gw.keys.openReservations(keyId)).toBe(0);
    expect(gw.keys.spentNano(keyId)).toBe(0);
  });
});

describe('upstream failures', () => {
  let gw: Gateway;
  let key: string;
  afterEach(() => gw.close());
  const start = async (env: Record<string, string> = {}) => {
    gw = await startGateway({ env: { GATEWAY_TIMEOUT_MS: '1500', ...env } });
    key = gw.keys.issue().key;
  };
  const send = () => rawRequest(`${gw.url}/v1/chat/completions`, { body: chat(), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });

  it('502 for a 200 whose body is not JSON, without retrying and without caching it (FAULTS #6)', async () => {
    await start();
    gw.openai.script({ kind: 'malformed' });
    expectOpenAiError(await send(), 502, 'upstream_invalid_response', 'server_error');
    expect(gw.openai.requests).toHaveLength(1);
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers['x-cache']).toBe('MISS');
  });

  it('503 with Retry-After when the provider keeps failing (FAULTS #2, #9)', async () => {
    await start();
    gw.openai.script(...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 503 })));
    const answer = await send();
    expectOpenAiError(answer, 503, 'upstream_unavailable', 'server_error');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(gw.openai.requests.length).toBeLessThanOrEqual(3);
  });

  it('504 when the upstream accepts and never answers, inside the configured deadline (FAULTS #4)', async () => {
    await start({ GATEWAY_TIMEOUT_MS: '400' });
    gw.openai.script({ kind: 'hang' });
    const started = Date.now();
    expectOpenAiError(await send(), 504, 'upstream_timeout', 'server_error');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('504 when the upstream drips its answer a byte a second: the deadline holds (FAULTS #5)', async () => {
    await start({ GATEWAY_TIMEOUT_MS: '400' });
    gw.openai.script({ kind: 'drip', bytesPerSecond: 1 });
    expectOpenAiError(await send(), 504, 'upstream_timeout', 'server_error');
  });

  it('with the provider down, 100 concurrent requests all get 503 and cost at most 1.1 upstream calls each (FAULTS #9)', async () => {
    await start();
    const failing = { kind: 'status' as const, status: 500 };
    gw.openai.script(...Array.from({ length: 400 }, () => failing));
    const answers = await Promise.all(Array.from({ length: 100 }, () => send()));
    expect(answers.map((a) => a.status).every((s) => s === 503)).toBe(true);
    for (const a of answers.slice(0, 3)) expectOpenAiError(a, 503, 'upstream_unavailable', 'server_error');
    expect(gw.openai.requests.length).toBeLessThanOrEqual(110);
  });

  it('429 with Retry-After when the provider rate-limits us past the deadline (FAULTS #1)', async () => {
    await start({ GATEWAY_TIMEOUT_MS: '800' });
    gw.openai.script({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const answer = await send();
    expectOpenAiError(answer, 429, 'upstream_rate_limited', 'rate_limit_error');
    expect(answer.headers['retry-after']).toBe('30');
    expect(gw.openai.requests).toHaveLength(1);
  });

  it('400 upstream_rejected for an upstream 400, sanitised and not retried (FAULTS #3)', async () => {
    await start();
    gw.openai.script({ kind: 'status', status: 400, body: { error: { message: 'secret internals: prompt was "Say something."' } } });
    const answer = await send();
    expect(expectOpenAiError(answer, 400, 'upstream_rejected').message).not.toContain('internals');
    expect(gw.openai.requests).toHaveLength(1);
  });

  it('404 model_not_found when the vendor no longer serves the model (a retired id): not retried, an alert, the vendor’s other models unharmed', async () => {
    await start();
    const sonnet = (stream = false) =>
      rawRequest(`${gw.url}/v1/chat/completions`, {
        body: JSON.stringify({ model: 'sonnet', messages: ask, stream }),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
    for (let i = 0; i < 3; i++) gw.anthropic.script({ kind: 'status', status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'model: claude-sonnet-4-5' } } });
    const error = expectOpenAiError(await sonnet(), 404, 'model_not_found');
    expect(error).toMatchObject({ param: 'model' });
    expect(String(error.message)).toMatch(/`sonnet` is not served by its provider \(anthropic\).*retired/);
    expectOpenAiError(await sonnet(true), 404, 'model_not_found');
    expectOpenAiError(await sonnet(), 404, 'model_not_found');
    expect(gw.anthropic.requests).toHaveLength(3);
    const alerts = gw.harness.logs.filter((l) => l.fields?.alert === 'provider_model_unavailable');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'error', fields: { provider: 'anthropic', model: 'claude-sonnet-4-5', status: 404 } });
    // The circuit is the vendor's: haiku still goes through.
    gw.anthropic.script({ kind: 'ok', text: 'Haiku stands.', usage: { inputTokens: 5, outputTokens: 2 } });
    const haiku = await rawRequest(`${gw.url}/v1/chat/completions`, {
      body: JSON.stringify({ model: 'haiku', messages: ask }),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    expect(haiku.status).toBe(200);
  });

  it('502 upstream_auth for a 401 on our provider key, logged as an alert (FAULTS #3)', async () => {
    await start();
    gw.openai.script({ kind: 'status', status: 401 });
    expectOpenAiError(await send(), 502, 'upstream_auth', 'server_error');
    expect(gw.harness.logs.some((l) => l.level === 'error' && l.fields?.alert === 'provider_auth')).toBe(true);
  });
});

/** A key store that fails, as DynamoDB does once its retries are spent: the lookup, or the budget reservation. */
class FailingKeys extends TestGatewayKeys {
  failing: 'none' | 'authenticate' | 'reserve' = 'none';
  override async authenticate(presentedKey: string): Promise<GatewayCaller | undefined> {
    if (this.failing === 'authenticate') throw new ApiKeyRepoError('looking up an API key failed: ProvisionedThroughputExceededException');
    return super.authenticate(presentedKey);
  }
  override async reserveBudget(caller: GatewayCaller, estimateNano: number): Promise<ReserveOutcome> {
    if (this.failing === 'reserve') throw new ApiKeyRepoError('reserving budget failed: ProvisionedThroughputExceededException');
    return super.reserveBudget(caller, estimateNano);
  }
}

describe('503: the key store is down (FAULTS #12)', () => {
  const keys = new FailingKeys();
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ keys });
  });
  afterAll(() => gw.close());
  afterEach(() => {
    keys.failing = 'none';
  });
  const send = (key: string) => rawRequest(`${gw.url}/v1/chat/completions`, { body: chat(), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });

  it.each([
    ['the key lookup fails', 'authenticate', undefined],
    ['the budget reservation fails', 'reserve', 1_000_000_000],
  ] as const)('%s: 503 storage_unavailable with Retry-After, no upstream call, logged by name', async (_, failing, budgetNano) => {
    const { key } = keys.issue({ budgetNano });
    keys.failing = failing;
    const upstreamBefore = gw.upstreamRequests();
    const answer = await send(key);
    expectOpenAiError(answer, 503, 'storage_unavailable', 'server_error');
    expect(answer.headers['retry-after']).toBe('1');
    expect(gw.upstreamRequests()).toBe(upstreamBefore);
    const logged = gw.harness.logs.filter((l) => l.message === 'gateway storage unavailable');
    expect(logged.at(-1)?.fields).toMatchObject({ error: { name: 'ApiKeyRepoError' } });
    expect(JSON.stringify(logged)).not.toContain(key);

    keys.failing = 'none';
    expect((await send(key)).status).toBe(200);
  });
});
