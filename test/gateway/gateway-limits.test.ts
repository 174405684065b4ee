import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { UsageLedger } from '../../src/ports/usage-ledger';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import { rawRequest } from '../support/gateway/raw-http';

/* Budgets, limits and the cache per key (issue 5, items 4 and 6; FAULTS #25 and #27). */

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.openai.reset());

const post = (key: string, body: Record<string, unknown>) =>
  rawRequest(`${gw.url}/v1/chat/completions`, { body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
const ask = (content: string) => [{ role: 'user', content }];

describe('the budget race (FAULTS #25)', () => {
  it('lets at most 5 of 50 parallel requests through on a budget for 5, and never spends past it', async () => {
    // gpt-4.1: 5,000 n$ a token. Each request holds the most its input can cost (18 bytes + 7 tokens of overhead for
    // these 18-character prompts) plus 100 output tokens: 625,000 n$, and spends 112 tokens: 560,000 n$. Five fit in
    // 3,200,000 n$, held or spent; a sixth would not. The prompts differ so that no request is a cache hit (hits are
    // free).
    const { key, keyId } = gw.keys.issue({ budgetNano: 3_200_000 });
    gw.openai.script(...Array.from({ length: 50 }, () => ({ kind: 'ok' as const, text: 'Short.', usage: { inputTokens: 12, outputTokens: 100 } })));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(key, { model: 'gpt-4.1', messages: ask(`Budget race nr ${String(i).padStart(2, '0')}.`), max_tokens: 100 })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.json()).toMatchObject({ error: { type: 'insufficient_quota', code: 'budget_exceeded' } });
    }
    expect(gw.openai.requests.length).toBe(statuses.filter((s) => s === 200).length);
    await gw.settled();
    expect(gw.keys.openReservations(keyId)).toBe(0);
    expect(gw.keys.spentNano(keyId)).toBeLessThanOrEqual(3_200_000);
    expect(gw.keys.spentNano(keyId)).toBe(statuses.filter((s) => s === 200).length * 112 * 5_000);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
  });

  it('holds what a prompt in a dense script can really cost, so racing requests in Thai never overspend either', async () => {
    // 2,000 Thai characters: the estimate says 2,007 input tokens; a tokenizer may make up to 6,007 (three bytes a
    // character), and this upstream reports 2,500, as a real one might. On gpt-4.1-mini (1,000 n$ a token) each
    // request then costs 2,510,000 n$ and holds 6,017,000. Holding only the estimate (or the old ¼ token a
    // character, 517,000 n$) would let all eight through on this budget and spend 20 million.
    const budgetNano = 6_100_000;
    const { key, keyId } = gw.keys.issue({ budgetNano });
    gw.openai.script(...Array.from({ length: 8 }, () => ({ kind: 'ok' as const, text: 'เมฆ', usage: { inputTokens: 2_500, outputTokens: 10 } })));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(key, { model: 'gpt-4.1-mini', messages: ask(`${i} ${'ก'.repeat(2_000)}`), max_tokens: 10 })));
    const served = answers.filter((a) => a.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(1);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused.json()).toMatchObject({ error: { type: 'insufficient_quota', code: 'budget_exceeded' } });
    }
    await gw.settled();
    expect(gw.keys.spentNano(keyId)).toBe(served * 2_510_000);
    expect(gw.keys.spentNano(keyId)).toBeLessThanOrEqual(budgetNano);
    expect(gw.keys.openReservations(keyId)).toBe(0);
  });

  it('settles the actual cost, not the reservation, and releases the reservation on errors too', async () => {
    const { key, keyId } = gw.keys.issue({ budgetNano: 10_000_000 });
    gw.openai.script({ kind: 'ok', text: 'Two.', usage: { inputTokens: 5, outputTokens: 2 } }, { kind: 'status', status: 400 });
    expect((await post(key, { model: 'gpt-4.1-mini', messages: ask('cheap'), max_tokens: 1_000 })).status).toBe(200);
    expect((await post(key, { model: 'gpt-4.1-mini', messages: ask('refused upstream'), max_tokens: 1_000 })).status).toBe(400);
    await gw.settled();
    expect(gw.keys.spentNano(keyId)).toBe(7 * 1_000);
    expect(gw.keys.openReservations(keyId)).toBe(0);
    const settledReservations = gw.keys.uses.filter((u) => u.keyId === keyId).map((u) => u.reservation?.amountNano);
    expect(settledReservations.every((amount) => amount !== undefined && amount > 7_000)).toBe(true);
  });
});

describe('limits are exact under concurrency', () => {
  it('grants exactly rpm of 30 parallel requests', async () => {
    const { key } = gw.keys.issue({ rpm: 7 });
    const answers = await Promise.all(Array.from({ length: 30 }, () => post(key, { model: 'bedrock-claude-3-haiku', messages: ask('rpm'), max_tokens: 5 })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(23);
  });

  it('grants exactly what tpm holds, and counts a refused request against neither limit', async () => {
    // 'tpm' is one token of input estimate + 4 per message + 3 priming = 8, plus max_tokens 92: 100 a request.
    const { key } = gw.keys.issue({ tpm: 1_000, rpm: 100 });
    const answers = await Promise.all(Array.from({ length: 25 }, () => post(key, { model: 'bedrock-claude-3-haiku', messages: ask('tpm'), max_tokens: 92 })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const after = await rawRequest(`${gw.url}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(200);
  });
});

describe('the response cache, scoped per key (FAULTS #27)', () => {
  it('never serves key A’s cached answer to key B', async () => {
    const a = gw.keys.issue();
    const b = gw.keys.issue();
    gw.openai.script({ kind: 'ok', text: 'Only for A.' }, { kind: 'ok', text: 'Only for B.' });
    const body = { model: 'gpt-4.1-mini', messages: ask('Same question, two keys.'), max_tokens: 30 };
    const first = await post(a.key, body);
    await gw.settled();
    const second = await post(b.key, body);
    expect(first.json()).toMatchObject({ choices: [{ message: { content: 'Only for A.' } }] });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(second.json()).toMatchObject({ choices: [{ message: { content: 'Only for B.' } }] });
    await gw.settled();
    expect((await post(a.key, body)).json()).toMatchObject({ choices: [{ message: { content: 'Only for A.' } }] });
    expect(gw.openai.requests).toHaveLength(2);
  });

  it('never caches an error, a truncated answer is kept, and any stable field changes the key', async () => {
    const { key } = gw.keys.issue();
    gw.openai.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const body = { model: 'gpt-4.1-mini', messages: ask('Fail first.'), max_tokens: 30 };
    expect((await post(key, body)).status).toBe(503);
    await gw.settled();
    gw.openai.script({ kind: 'ok', text: 'Now it works.' });
    const retry = await post(key, body);
    expect(retry.status).toBe(200);
    expect(retry.headers['x-cache']).toBe('MISS');
    await gw.settled();
    expect((await post(key, body)).headers['x-cache']).toBe('HIT');
    for (const variant of [{ max_tokens: 31 }, { temperature: 0.5 }, { seed: 7 }, { model: 'gpt-4.1' }, { messages: ask('Fail first!') }]) {
      expect((await post(key, { ...body, ...variant })).headers['x-cache']).toBe('MISS');
    }
    // The same request spelt differently (a catalog key for the vendor id, zero-width characters, key order) is a hit.
    const spelt = await post(key, { max_tokens: 30, messages: [{ content: 'Fail\u200b first.', role: 'user' }], model: 'gpt-4.1-mini' });
    expect(spelt.headers['x-cache']).toBe('HIT');
  });

  it('records a hit in the ledger with no spend, and /v1/usage counts it', async () => {
    const { key, keyId } = gw.keys.issue();
    const body = { model: 'gpt-4.1-mini', messages: ask('Count my hits.'), max_tokens: 10 };
    await post(key, body);
    await gw.settled();
    await post(key, body);
    await gw.settled();
    const entries = (await gw.harness.local.container.get<UsageLedger>(TOKENS.UsageLedger).list({ from: 0, to: Date.now() + 1_000 })).filter((e) => e.keyId === keyId);
    expect(entries.map((e) => [e.cacheHit, e.spend === undefined])).toEqual([[false, false], [true, true]]);
    const usage = (await rawRequest(`${gw.url}/v1/usage`, { method: 'GET', headers: { authorization: `Bearer ${key}` } })).json();
    expect(usage).toMatchObject({ totals: { requests: 2, cache_hits: 1 } });
  });
});
