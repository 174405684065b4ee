import type { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startGateway, UPSTREAM_ANTHROPIC_KEY, UPSTREAM_OPENAI_KEY, type Gateway } from '../support/gateway/gateway-harness';
import { rawRequest, type RawAnswer } from '../support/gateway/raw-http';

/*
 * What the gateway never does: leak a secret (FAULTS #28), let a request steer the upstream (FAULTS #20), or pass
 * text upstream unchecked (seed 002's defence in depth, FAULTS #18–#19).
 */

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ env: { LOG_LEVEL: 'debug' } });
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.openai.reset();
  gw.anthropic.reset();
});

const post = (key: string, body: unknown, headers: Record<string, string> = {}, path = '/v1/chat/completions') =>
  rawRequest(`${gw.url}${path}`, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers } });

describe('the log canary (FAULTS #28)', () => {
  it('never writes a key from a header, a secret from the body or an upstream error into a log line, a metric or a response', async () => {
    const good = gw.keys.issue();
    const headerCanary = 'cs_canaryHeaderKey0123456789abcdefXYZ';
    const bodyCanary = 'sk-canaryInTheBody-0123456789abcdef';
    const upstreamCanary = 'sk-canaryFromUpstream-0123456789abcdef';
    const queryCanary = 'sk-canaryInTheQuery-0123456789abcdef';
    gw.openai.script(
      { kind: 'ok', text: 'A safe answer.' },
      { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${upstreamCanary}` } } },
      { kind: 'status', status: 400, body: { error: { message: `bad request, key ${upstreamCanary}, prompt ${bodyCanary}` } } },
    );
    const answers: RawAnswer[] = [
      await post(headerCanary, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }),
      await post(good.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `My password is ${bodyCanary}` }] }),
      await post(good.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `Again ${bodyCanary}` }] }),
      await post(good.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `Once more ${bodyCanary}` }] }),
      await post(good.key, { model: bodyCanary, messages: [{ role: 'user', content: 'x' }] }),
      await post(good.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], [bodyCanary]: true }),
      await post(good.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], api_key: bodyCanary }),
      await rawRequest(`${gw.url}/v1/usage?${queryCanary}=1`, { method: 'GET', headers: { authorization: `Bearer ${good.key}` } }),
      await rawRequest(`${gw.url}/v1/usage?from=${queryCanary}`, { method: 'GET', headers: { authorization: `Bearer ${good.key}` } }),
      await rawRequest(`${gw.url}/v1/models/${bodyCanary}`, { method: 'GET', headers: { authorization: `Bearer ${good.key}` } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 200, 502, 400, 404, 400, 400, 400, 400, 404]);
    await gw.settled();
    const metrics = gw.harness.local.container.get<InMemoryMetricsSink>(TOKENS.MetricsSink).recorded();
    const everything = JSON.stringify({ logs: gw.harness.logs, metrics, responses: answers.map((a) => [a.headers, a.text]) });
    for (const secret of [headerCanary, bodyCanary, upstreamCanary, queryCanary, good.key, UPSTREAM_OPENAI_KEY, UPSTREAM_ANTHROPIC_KEY]) {
      expect(everything).not.toContain(secret);
    }
    // The logs did see these requests (so the check above is not vacuous).
    expect(gw.harness.logs.some((l) => l.fields?.alert === 'provider_auth')).toBe(true);
  });
});

describe('no request field can steer the upstream (FAULTS #20)', () => {
  it.each([
    ['api_base', 'http://169.254.169.254/latest/meta-data/'],
    ['base_url', 'http://127.0.0.1:1/v1'],
    ['api_key', 'sk-someone-elses-key'],
    ['organization', 'org-123'],
    ['api_version', '2024-01-01'],
    ['extra_headers', { authorization: 'Bearer x' }],
    ['extra_body', { model: 'x' }],
    ['custom_llm_provider', 'azure'],
    ['aws_region_name', 'us-gov-west-1'],
    ['Base_URL', 'http://evil.example'],
  ])('refuses %s with 400 and makes no outbound request', async (field, value) => {
    const { key } = gw.keys.issue();
    const answer = await post(key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], [field]: value });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: { code: 'forbidden_parameter', param: field, type: 'invalid_request_error' } });
    expect(gw.upstreamRequests()).toBe(0);
  });

  it('passes nothing but model, messages, max_tokens and temperature upstream — not metadata, user, seed or client headers', async () => {
    const { key } = gw.keys.issue();
    const answer = await post(
      key,
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 9, temperature: 0.2, user: 'u-1', seed: 3, metadata: { base_url: 'http://evil.example' }, stream: false },
      { 'openai-organization': 'org-evil', 'x-forwarded-host': 'evil.example', 'openai-project': 'p' },
    );
    expect(answer.status).toBe(200);
    const [sent] = gw.openai.requests;
    expect(sent?.body).toEqual({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 9, temperature: 0.2 });
    expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    expect(Object.keys(sent?.headers ?? {}).filter((h) => /organization|project|forwarded/.test(h))).toEqual([]);
  });
});

describe('text checks before anything goes upstream (seed 002)', () => {
  it('sends the cleaned text: NFC, zero-width and bidi characters removed; developer becomes system', async () => {
    const { key } = gw.keys.issue();
    await post(key, { model: 'gpt-4.1-mini', messages: [{ role: 'developer', content: 'Be\u200b brief\u202e.' }, { role: 'user', content: 'Cafe\u0301 \ufeffno\u2060w' }] });
    expect((gw.openai.requests[0]?.body as { messages: unknown }).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Café now' },
    ]);
  });

  it('joins text content parts and clamps max_tokens to the model’s limit (FAULTS #19)', async () => {
    const { key } = gw.keys.issue();
    const answer = await post(key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'one ' }, { type: 'text', text: 'two' }] }], max_tokens: 1_000_000_000 });
    expect(answer.status).toBe(200);
    expect(gw.openai.requests[0]?.body).toMatchObject({ messages: [{ role: 'user', content: 'one two' }], max_tokens: 32_768 });
  });

  it('estimates CJK text at a token a character for the tokens-per-minute charge', async () => {
    const { key } = gw.keys.issue({ tpm: 10_000 });
    const remaining = async (content: string) => Number((await post(key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content }], max_tokens: 1 })).headers['x-ratelimit-remaining-tokens']);
    const before = await remaining('abcdefgh');
    const after = await remaining('雲のことわざを一つ');
    // 8 Latin characters are 2 tokens; 9 CJK characters are 9; each request also pays 4 + 3 + 1 (max_tokens).
    expect(before - after).toBeGreaterThanOrEqual(9 + 8 - 1);
    expect(before - after).toBeLessThanOrEqual(9 + 8 + 1);
  });

  it('refuses a message past its byte limit, and 100,000 messages (FAULTS #19)', async () => {
    const big = await startGateway({ env: { GATEWAY_BODY_LIMIT_BYTES: '6000000', GATEWAY_MAX_MESSAGE_BYTES: '1000' } });
    try {
      const { key } = big.keys.issue();
      const send = (body: unknown) => rawRequest(`${big.url}/v1/chat/completions`, { body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      const many = await send({ model: 'gpt-4.1-mini', messages: Array.from({ length: 100_000 }, () => ({ role: 'user', content: 'hi' })) });
      expect(many.status).toBe(400);
      expect(many.json()).toMatchObject({ error: { param: 'messages' } });
      // 400 three-byte characters are 1,200 bytes of UTF-8: past the limit although under 1,000 characters.
      const long = await send({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: '雲'.repeat(400) }] });
      expect(long.status).toBe(400);
      expect(long.json()).toMatchObject({ error: { param: 'messages[0].content', message: expect.stringContaining('1200 bytes') } });
      expect(big.upstreamRequests()).toBe(0);
    } finally {
      await big.close();
    }
  });
});
