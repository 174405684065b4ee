import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionUseCase } from '../../src/application/gateway/chat-completion.use-case';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startOpenAiFake, type FakeServer } from '../support/fakes/openai-fake';
import { rawRequest } from '../support/gateway/raw-http';
import { startHarness, type Harness } from '../support/local-harness';

/*
 * The gateway on the real key store (issue 5's two halves together): keys created through the admin API, used by
 * the openai SDK, budgets settled by StoredGatewayKeys, revocation answered with the same 401 as any bad key.
 */

const ADMIN_TOKEN = 'admin-gateway-canary-0123456789abcdef0123';
let upstream: FakeServer;
let h: Harness;
let server: Server;
let url: string;

beforeAll(async () => {
  upstream = await startOpenAiFake();
  h = await startHarness({ env: { ADMIN_TOKEN, OPENAI_API_KEY: 'sk-upstream-real-keys-0123456789', OPENAI_BASE_URL: upstream.url, GATEWAY_DEFAULT_RPM: '100000', GATEWAY_DEFAULT_TPM: '100000000' } });
  server = createServer(h.local.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  await upstream.close();
});

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await h.http.post('/admin/keys').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'gateway-test', ...body }).expect(201);
  return res.body as { id: string; key: string };
}

const settled = () => h.local.container.get<ChatCompletionUseCase>(TOKENS.GatewayChat).settledAll();
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });

it('serves a key made by the admin API to the openai SDK, JSON and streaming, and counts it', async () => {
  const { id, key } = await createKey({ models: ['gpt-4.1-mini'] });
  upstream.script({ kind: 'ok', text: 'Real keys work.', usage: { inputTokens: 10, outputTokens: 4 } }, { kind: 'ok', deltas: ['Stream', 'ing.'], usage: { inputTokens: 10, outputTokens: 2 } });
  const answer = await client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }] });
  expect(answer.choices[0]?.message.content).toBe('Real keys work.');
  let streamed = '';
  for await (const chunk of await client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Stream' }], stream: true })) {
    streamed += chunk.choices[0]?.delta.content ?? '';
  }
  expect(streamed).toBe('Streaming.');
  expect((await client(key).models.list()).data.map((m) => m.id)).toEqual(['gpt-4.1-mini']);
  const denied = await client(key).chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
  expect(denied).toMatchObject({ status: 404, code: 'model_not_found' });
  await settled();
  const usage = (await rawRequest(`${url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}` } })).json();
  // gpt-4.1-mini at 1,000 n$ a token: 14 + 12 tokens.
  expect(usage).toMatchObject({ key_id: id, totals: { requests: 2, input_tokens: 20, output_tokens: 6, cost_nano: 26_000 } });
});

it('keeps 50 parallel requests within a budget for 5 on the real key store (FAULTS #25)', async () => {
  // gpt-4.1-mini: 1,000 n$ a token; each request reserves 12 input + 100 output = 112,000 n$; five fit in 0.0006 USD.
  const { id, key } = await createKey({ budgetUsd: 0.0006 });
  upstream.reset();
  upstream.script(...Array.from({ length: 50 }, () => ({ kind: 'ok' as const, text: 'Within budget.', usage: { inputTokens: 12, outputTokens: 100 } })));
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      rawRequest(`${url}/v1/chat/completions`, {
        body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `Budget race nr ${String(i).padStart(2, '0')}.` }], max_tokens: 100 }),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      }),
    ),
  );
  const served = answers.filter((a) => a.status === 200).length;
  expect(served).toBe(5);
  expect(answers.filter((a) => a.status === 429).every((a) => (a.json() as { error: { code: string } }).error.code === 'budget_exceeded')).toBe(true);
  expect(upstream.requests).toHaveLength(5);
  await settled();
  const usage = (await rawRequest(`${url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}` } })).json<{ budget: { spent_nano: number; budget_nano: number } }>();
  expect(usage.budget.budget_nano).toBe(600_000);
  expect(usage.budget.spent_nano).toBeLessThanOrEqual(600_000);
  expect(id).toBeTruthy();
});

it('answers a revoked key with the same 401 as an unknown one', async () => {
  const { id, key } = await createKey({});
  expect((await rawRequest(`${url}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  await h.http.post(`/admin/keys/${id}/revoke`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
  const revoked = await rawRequest(`${url}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
  const unknown = await rawRequest(`${url}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${key.slice(0, -4)}AAAA` } });
  expect([revoked.status, unknown.status]).toEqual([401, 401]);
  expect(revoked.text).toBe(unknown.text);
  const error = await client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(APIError);
  expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
});
