import { APIError } from 'openai';
import type { UsageLedger } from '../../src/ports/usage-ledger';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { startGateway, UPSTREAM_ANTHROPIC_KEY, UPSTREAM_OPENAI_KEY, type Gateway } from '../support/gateway/gateway-harness';

/*
 * The official openai SDK, unchanged, as a client of the gateway (issue 5, item 1): JSON and streaming against the
 * real OpenAI and Anthropic providers behind their wire-level fakes, the Bedrock models on the offline simulation.
 */

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.openai.reset();
  gw.anthropic.reset();
});

const ask = (content: string) => [{ role: 'user' as const, content }];
const usageOf = async (keyId: string) => {
  await gw.settled();
  const ledger = gw.harness.local.container.get<UsageLedger>(TOKENS.UsageLedger);
  return (await ledger.list({ from: 0, to: Date.now() + 1_000 })).filter((e) => e.keyId === keyId);
};

describe('POST /v1/chat/completions through the openai SDK', () => {
  it('answers a catalog key in OpenAI shape, routed to OpenAI with our key, never the caller’s', async () => {
    const { key, keyId } = gw.keys.issue();
    gw.openai.script({ kind: 'ok', text: 'S3 keeps everything.', usage: { inputTokens: 21, outputTokens: 5 } });
    const { data, response } = await gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask('A saying about S3'), max_tokens: 50 }).withResponse();
    expect(data).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1-mini',
      system_fingerprint: 'cs-gateway-openai',
      choices: [{ index: 0, message: { role: 'assistant', content: 'S3 keeps everything.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 },
    });
    expect(data.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const [sent] = gw.openai.requests;
    expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    expect(sent?.body).toEqual({ model: 'gpt-4.1-mini', messages: ask('A saying about S3'), max_tokens: 50 });
    const [entry] = await usageOf(keyId);
    expect(entry).toMatchObject({
      channel: 'gateway', keyId, model: 'gpt-4.1-mini', vendor: 'openai', provider: 'openai', status: 'ok', cacheHit: false, httpStatus: 200,
      // gpt-4.1-mini: 1,000 n$ a token either way.
      spend: { inputTokens: 21, outputTokens: 5, costNano: 26_000, estimated: false },
    });
    expect(gw.keys.uses.find((u) => u.keyId === keyId)?.use).toMatchObject({ tokens: 26, costNano: 26_000 });
  });

  it('routes a vendor model id to its provider, and Claude models to Anthropic', async () => {
    const { key } = gw.keys.issue();
    gw.anthropic.script({ kind: 'ok', text: 'Lambda: compute, briefly.', usage: { inputTokens: 12, outputTokens: 6 } });
    const data = await gw.client(key).chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'system', content: 'Be brief.' }, ...ask('Lambda?')] });
    expect(data).toMatchObject({ model: 'claude-haiku-4-5', system_fingerprint: 'cs-gateway-anthropic', choices: [{ message: { content: 'Lambda: compute, briefly.' } }] });
    expect(gw.anthropic.requests[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_ANTHROPIC_KEY}`);
    expect(gw.openai.requests).toHaveLength(0);
  });

  it('labels an offline-simulated model in the body, a header and the model list', async () => {
    const { key } = gw.keys.issue();
    const { data, response } = await gw.client(key).chat.completions.create({ model: 'bedrock-claude-3-haiku', messages: ask('Hello') }).withResponse();
    expect(data.system_fingerprint).toBe('offline-simulation');
    expect(data.choices[0]?.message.content).toContain('Offline simulation');
    expect(response.headers.get('x-gateway-offline')).toBe('true');
    expect(response.headers.get('x-gateway-provider')).toBe('offline');
    const models = await gw.client(key).models.list();
    expect(models.data.find((m) => m.id === 'bedrock-claude-3-haiku')).toMatchObject({ owned_by: 'bedrock (offline simulation)', offline: true });
    expect(models.data.find((m) => m.id === 'gpt-4.1')).toMatchObject({ owned_by: 'openai', offline: false, provider: 'openai' });
  });

  it('streams with the SDK: deltas, the finish and, with include_usage, a usage chunk; usage recorded for the stream', async () => {
    const { key, keyId } = gw.keys.issue();
    gw.openai.script({ kind: 'ok', deltas: ['Queues ', 'wait ', 'for ', 'you.'], usage: { inputTokens: 30, outputTokens: 4 } });
    const stream = await gw.client(key).chat.completions.create({ model: 'gpt-4.1', messages: ask('SQS'), stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Queues wait for you.');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 30, completion_tokens: 4, total_tokens: 34 } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const [entry] = await usageOf(keyId);
    // gpt-4.1: 5,000 n$ a token.
    expect(entry).toMatchObject({ status: 'ok', httpStatus: 200, spend: { inputTokens: 30, outputTokens: 4, costNano: 170_000 } });
    expect(entry?.partial).toBeUndefined();
  });

  it('accepts the current SDK’s request identifiers (safety_identifier, prompt_cache_key, include_obfuscation) and sends none upstream', async () => {
    const { key } = gw.keys.issue();
    gw.openai.script({ kind: 'ok', text: 'IAM says no.', usage: { inputTokens: 9, outputTokens: 3 } });
    gw.openai.script({ kind: 'ok', deltas: ['Lambda ', 'naps.'], usage: { inputTokens: 9, outputTokens: 2 } });
    const identifiers = { safety_identifier: 'user-5f2a9c', prompt_cache_key: 'tenant-42', prompt_cache_retention: 'in-memory' as const, modalities: ['text' as const] };
    const json = await gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask('IAM'), max_tokens: 20, ...identifiers });
    expect(json.choices[0]?.message.content).toBe('IAM says no.');
    const stream = await gw.client(key).chat.completions.create({
      model: 'gpt-4.1-mini', messages: ask('Lambda'), max_tokens: 20, stream: true, stream_options: { include_usage: true, include_obfuscation: false }, ...identifiers,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Lambda naps.');
    expect(gw.openai.requests).toHaveLength(2);
    for (const sent of gw.openai.requests) {
      for (const field of ['safety_identifier', 'prompt_cache_key', 'prompt_cache_retention', 'modalities']) expect(sent.body).not.toHaveProperty(field);
    }
  });

  it('streams without a usage chunk unless asked, and ends with [DONE] on the wire', async () => {
    const { key } = gw.keys.issue();
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages: ask('Hi'), stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    const events = text.split('\n\n').filter((e) => e !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')) as Record<string, unknown>);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('serves a repeated request from the cache — JSON and as a stream — with x-cache: HIT and no upstream call', async () => {
    const { key, keyId } = gw.keys.issue();
    gw.openai.script({ kind: 'ok', text: 'Cached wisdom.', usage: { inputTokens: 9, outputTokens: 3 } });
    const client = gw.client(key);
    const body = { model: 'gpt-4.1-mini', messages: ask('Cache me'), max_tokens: 20, temperature: 0 };
    const first = await client.chat.completions.create(body).withResponse();
    await gw.settled();
    const second = await client.chat.completions.create(body).withResponse();
    expect(first.response.headers.get('x-cache')).toBe('MISS');
    expect(second.response.headers.get('x-cache')).toBe('HIT');
    expect(second.data.choices[0]?.message.content).toBe('Cached wisdom.');
    expect(second.data.id).not.toBe(first.data.id);
    const streamed = await client.chat.completions.create({ ...body, stream: true }).withResponse();
    expect(streamed.response.headers.get('x-cache')).toBe('HIT');
    let text = '';
    for await (const chunk of streamed.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Cached wisdom.');
    expect(gw.openai.requests).toHaveLength(1);
    const entries = await usageOf(keyId);
    expect(entries.map((e) => e.cacheHit)).toEqual([false, true, true]);
    expect(entries[1]?.spend).toBeUndefined();
  });

  it('lists only the models a key may use, retrieves one, and refuses the others as not found', async () => {
    const { key } = gw.keys.issue({ allowedModels: ['haiku', 'gpt-4.1-mini'] });
    const client = gw.client(key);
    expect((await client.models.list()).data.map((m) => m.id).sort()).toEqual(['gpt-4.1-mini', 'haiku']);
    expect(await client.models.retrieve('haiku')).toMatchObject({ id: 'haiku', object: 'model', vendor_model_id: 'claude-haiku-4-5' });
    const error = await client.chat.completions.create({ model: 'sonnet', messages: ask('Hi') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect(await client.models.retrieve('sonnet').catch((e: APIError) => e.status)).toBe(404);
    expect(gw.upstreamRequests()).toBe(0);
  });

  it('GET /v1/usage gives the caller its own totals, never another key’s', async () => {
    const a = gw.keys.issue({ budgetNano: 1_000_000_000 });
    const b = gw.keys.issue();
    gw.openai.script({ kind: 'ok', usage: { inputTokens: 10, outputTokens: 10 } }, { kind: 'ok', usage: { inputTokens: 10, outputTokens: 10 } }, { kind: 'ok', usage: { inputTokens: 99, outputTokens: 1 } });
    await gw.client(a.key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask('one') });
    await gw.client(a.key).chat.completions.create({ model: 'gpt-4.1', messages: ask('two') });
    await gw.client(b.key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask('three') });
    await gw.settled();
    const usage = (await (await fetch(`${gw.url}/v1/usage`, { headers: { authorization: `Bearer ${a.key}` } })).json()) as Record<string, never>;
    expect(usage).toMatchObject({
      object: 'usage',
      key_id: a.keyId,
      totals: { requests: 2, errors: 0, cache_hits: 0, input_tokens: 20, output_tokens: 20, total_tokens: 40, cost_nano: 20_000 + 100_000 },
      models: [{ model: 'gpt-4.1', requests: 1, cost_nano: 100_000 }, { model: 'gpt-4.1-mini', requests: 1, cost_nano: 20_000 }],
      budget: { budget_nano: 1_000_000_000, spent_nano: 120_000, remaining_nano: 1_000_000_000 - 120_000 },
    });
    const other = (await (await fetch(`${gw.url}/v1/usage`, { headers: { authorization: `Bearer ${b.key}` } })).json()) as { totals: { requests: number; input_tokens: number } };
    expect(other.totals).toMatchObject({ requests: 1, input_tokens: 99 });
    const bad = await fetch(`${gw.url}/v1/usage?key_id=${a.keyId}`, { headers: { authorization: `Bearer ${b.key}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'unknown_parameter', param: 'key_id', type: 'invalid_request_error' } });
    // A window that starts after now, with no end given, is empty — and never ends before it starts.
    const future = Date.now() + 3_600_000;
    const ahead = (await (await fetch(`${gw.url}/v1/usage?from=${future}`, { headers: { authorization: `Bearer ${a.key}` } })).json()) as { window: { from: number; to: number }; totals: { requests: number } };
    expect(ahead.window).toEqual({ from: future, to: future });
    expect(ahead.totals.requests).toBe(0);
  });

  it('counts gateway traffic in /stats, in its own channel', async () => {
    const { key } = gw.keys.issue();
    gw.openai.script({ kind: 'ok', usage: { inputTokens: 7, outputTokens: 3 } });
    await gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask('stats') });
    await gw.settled();
    const stats = (await gw.harness.http.get('/stats').expect(200)).body as { channels: { channel: string; requests: number; tokens: number; costNano: number }[]; totals: { requests: number; costNano: number } };
    const gateway = stats.channels.find((c) => c.channel === 'gateway');
    expect(gateway?.requests).toBeGreaterThanOrEqual(1);
    expect(stats.channels.reduce((s, c) => s + c.costNano, 0)).toBe(stats.totals.costNano);
  });
});
