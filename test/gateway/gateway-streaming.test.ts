import { APIError } from 'openai';
import type { UsageEntry } from '../../src/domain/usage/usage-entry';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { UsageLedger } from '../../src/ports/usage-ledger';
import { startGateway, type Gateway } from '../support/gateway/gateway-harness';
import { startHeldUpstream, type HeldUpstream } from '../support/gateway/held-upstream';
import { TestGatewayKeys } from '../support/gateway/test-gateway-keys';

/*
 * Streaming through the gateway against an upstream the test drives by hand (issue 5, item 8): chunks pass through
 * as they arrive, a client that leaves aborts the upstream call, an upstream that fails mid-way ends the stream
 * in-band, and every stream's usage is recorded — marked partial when it was cut. The guards below only stop a test
 * that would otherwise hang (a buffering gateway never delivers the first chunk); they time nothing.
 */

let held: HeldUpstream;
let gw: Gateway;
beforeAll(async () => {
  held = await startHeldUpstream();
  gw = await startGateway({ env: { OPENAI_BASE_URL: held.url } });
});
afterAll(async () => {
  await gw.close();
  await held.close();
});

const HANG_GUARD_MS = 5_000;
function notHanging<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${HANG_GUARD_MS} ms — the gateway held it back`)), HANG_GUARD_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

const ask = [{ role: 'user' as const, content: 'Stream me a saying.' }];
async function entriesOf(keyId: string): Promise<UsageEntry[]> {
  await gw.settled();
  return (await gw.harness.local.container.get<UsageLedger>(TOKENS.UsageLedger).list({ from: 0, to: Date.now() + 1_000 })).filter((e) => e.keyId === keyId);
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('passes each chunk on while the upstream still holds the stream open — nothing is buffered', async () => {
  const { key, keyId } = gw.keys.issue();
  const creating = gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask, stream: true, stream_options: { include_usage: true } });
  const upstream = await notHanging(held.nextStream(), 'the upstream request');
  expect(upstream.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, model: 'gpt-4.1-mini' });
  upstream.delta('Lambda ');
  const chunks = (await notHanging(creating, 'the response headers'))[Symbol.asyncIterator]();
  const first = await notHanging(chunks.next(), 'the first chunk');
  expect(first.value?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Lambda ' });
  // The upstream has sent nothing more: the client has the first chunk because it was passed on as it came.
  upstream.delta('scales ');
  expect((await notHanging(chunks.next(), 'the second chunk')).value?.choices[0]?.delta.content).toBe('scales ');
  upstream.delta('to zero.');
  expect((await notHanging(chunks.next(), 'the third chunk')).value?.choices[0]?.delta.content).toBe('to zero.');
  upstream.finish({ prompt: 12, completion: 6 });
  const rest = [];
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) rest.push(next.value);
  expect(rest.map((c) => c.choices[0]?.finish_reason ?? (c.usage ? 'usage' : ''))).toEqual(['stop', 'usage']);
  const [entry] = await entriesOf(keyId);
  expect(entry).toMatchObject({ status: 'ok', httpStatus: 200, spend: { inputTokens: 12, outputTokens: 6, estimated: false } });
});

it('aborts the upstream call when the client goes away, and charges what was sent (partial)', async () => {
  const { key, keyId } = gw.keys.issue({ budgetNano: 1_000_000_000 });
  const creating = gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask, stream: true });
  const upstream = await notHanging(held.nextStream(), 'the upstream request');
  upstream.delta('The first words of a long answer ');
  const stream = await notHanging(creating, 'the response headers');
  const chunks = stream[Symbol.asyncIterator]();
  await notHanging(chunks.next(), 'the first chunk');
  stream.controller.abort();
  // The gateway let go of its upstream request: the upstream saw the connection close before any finish.
  await notHanging(upstream.aborted, 'the upstream abort');
  await waitFor(async () => (await entriesOf(keyId)).length === 1, 'the usage line of the abandoned stream');
  const [entry] = await entriesOf(keyId);
  expect(entry).toMatchObject({ status: 'error', errorCode: 'client_closed', partial: true, httpStatus: 200 });
  expect(entry?.spend).toMatchObject({ estimated: true });
  expect(entry?.spend?.outputTokens).toBeGreaterThan(0);
  await waitFor(() => gw.keys.openReservations(keyId) === 0, 'the reservation release');
  expect(gw.keys.spentNano(keyId)).toBe(entry?.spend?.costNano);
  expect(gw.keys.spentNano(keyId)).toBeGreaterThan(0);
});

it('ends a stream the upstream fails mid-way with an in-band error event and [DONE] (FAULTS #8)', async () => {
  const { key, keyId } = gw.keys.issue();
  const answer = fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: ask, stream: true }),
  });
  const upstream = await notHanging(held.nextStream(), 'the upstream request');
  upstream.delta('Half ');
  upstream.fail();
  const response = await answer;
  expect(response.status).toBe(200);
  const events = (await response.text()).split('\n\n').filter((e) => e !== '');
  expect(events.at(-1)).toBe('data: [DONE]');
  const error = JSON.parse((events.at(-2) ?? '').replace(/^data: /, '')) as Record<string, unknown>;
  expect(error).toEqual({ error: { message: expect.stringContaining('unavailable'), type: 'server_error', param: null, code: 'upstream_unavailable' } });
  expect(JSON.stringify(error)).not.toContain('exploded');
  const [entry] = await entriesOf(keyId);
  expect(entry).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', partial: true, httpStatus: 200 });
});

it('ends a stream cut mid-chunk the same way; the openai SDK raises it; a cut stream is never cached (FAULTS #7)', async () => {
  const { key, keyId } = gw.keys.issue();
  const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Cut me off.' }], stream: true as const };
  const creating = gw.client(key).chat.completions.create(body);
  const upstream = await notHanging(held.nextStream(), 'the upstream request');
  upstream.delta('Never ');
  const stream = await notHanging(creating, 'the response headers');
  const seen: string[] = [];
  const consumed = (async () => {
    for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
  })();
  await waitFor(() => seen.length === 1, 'the first chunk');
  upstream.cut();
  const error = await notHanging(consumed.then(() => undefined, (e: unknown) => e), 'the end of the stream');
  expect(error).toBeInstanceOf(APIError);
  expect(seen).toEqual(['Never ']);
  const [entry] = await entriesOf(keyId);
  expect(entry).toMatchObject({ partial: true, status: 'error' });
  // The same request again goes upstream: nothing of the cut stream was kept.
  const again = gw.client(key).chat.completions.create(body).withResponse();
  const second = await notHanging(held.nextStream(), 'the repeated upstream request');
  second.delta('Complete.');
  second.finish();
  const { response, data } = await again;
  expect(response.headers.get('x-cache')).toBe('MISS');
  for await (const _ of data) void _;
});

it('usage of a completed stream counts its output; a cached replay of it streams too', async () => {
  const { key } = gw.keys.issue();
  const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Cache this stream.' }], stream: true as const };
  const creating = gw.client(key).chat.completions.create(body);
  const upstream = await notHanging(held.nextStream(), 'the upstream request');
  upstream.delta('Kept ');
  upstream.delta('for later.');
  upstream.finish();
  let text = '';
  for await (const chunk of await creating) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('Kept for later.');
  const before = held.requests;
  const replay = await gw.client(key).chat.completions.create(body).withResponse();
  expect(replay.response.headers.get('x-cache')).toBe('HIT');
  let replayed = '';
  for await (const chunk of replay.data) replayed += chunk.choices[0]?.delta.content ?? '';
  expect(replayed).toBe('Kept for later.');
  expect(held.requests).toBe(before);
});

it('clients that leave before the first token do not open the provider’s circuit for everybody', async () => {
  const { key } = gw.keys.issue();
  const leaving = Array.from({ length: 8 }, () => new AbortController());
  const requests = leaving.map((c) =>
    gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask, stream: true }, { signal: c.signal }).then(
      () => undefined,
      () => undefined,
    ),
  );
  const upstreams = [];
  for (let i = 0; i < leaving.length; i++) upstreams.push(await notHanging(held.nextStream(), 'an upstream request'));
  leaving.forEach((c) => c.abort());
  await Promise.all(requests);
  await notHanging(Promise.all(upstreams.map((u) => u.aborted)), 'the upstream aborts');
  // The provider is as healthy as before: the next caller is served, not refused by an open circuit.
  const next = gw.client(key).chat.completions.create({ model: 'gpt-4.1-mini', messages: ask, stream: true });
  const upstream = await notHanging(held.nextStream(), 'the next upstream request');
  upstream.delta('Still here.');
  upstream.finish();
  let text = '';
  for await (const chunk of await notHanging(next, 'the next response')) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('Still here.');
});

describe('a cached answer replayed as a stream while usage storage is slow', () => {
  let slow: Gateway;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const recorded: UsageEntry[] = [];
  beforeAll(async () => {
    // Every usage line waits for the gate: the first byte of a replay must not.
    const held: UsageLedger = {
      record: async (entry) => {
        await gate;
        recorded.push(entry);
      },
      list: () => Promise.resolve(recorded),
    };
    slow = await startGateway({ configure: (c) => c.rebind(TOKENS.UsageLedger).toConstantValue(held) });
  });
  afterAll(async () => {
    release();
    await slow.close();
  });

  it('streams without waiting for any settlement, and is recorded as a hit once storage answers', async () => {
    const { key, keyId } = slow.keys.issue();
    const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Replay me while the ledger is slow.' }] };
    const first = await slow.client(key).chat.completions.create(body);
    const replay = await notHanging(slow.client(key).chat.completions.create({ ...body, stream: true }).withResponse(), 'the replay headers');
    expect(replay.response.headers.get('x-cache')).toBe('HIT');
    let text = '';
    const chunks = replay.data[Symbol.asyncIterator]();
    text += (await notHanging(chunks.next(), 'the first replayed chunk')).value?.choices[0]?.delta.content ?? '';
    expect(text).toBe(first.choices[0]?.message.content);
    expect(recorded).toEqual([]);
    release();
    for (let next = await notHanging(chunks.next(), 'the rest of the replay'); !next.done; next = await chunks.next()) text += next.value.choices[0]?.delta.content ?? '';
    expect(text).toBe(first.choices[0]?.message.content);
    await slow.settled();
    const mine = recorded.filter((e) => e.keyId === keyId);
    expect(mine.map((e) => ({ cacheHit: e.cacheHit, status: e.status, httpStatus: e.httpStatus, partial: e.partial ?? false }))).toEqual([
      { cacheHit: false, status: 'ok', httpStatus: 200, partial: false },
      { cacheHit: true, status: 'ok', httpStatus: 200, partial: false },
    ]);
  });
});

/** Key spend that cannot be written until the test opens the gate: a key store slow or stuck in its writes. */
class GatedKeys extends TestGatewayKeys {
  private opened: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  release(): void {
    this.opened();
  }
  override async recordUse(...args: Parameters<TestGatewayKeys['recordUse']>): Promise<void> {
    await this.gate;
    return super.recordUse(...args);
  }
}

describe('the end of a stream while the key store cannot write', () => {
  let slow: Gateway;
  const keys = new GatedKeys();
  beforeAll(async () => {
    slow = await startGateway({ keys });
  });
  afterAll(async () => {
    keys.release();
    await slow.close();
  });

  it('sends [DONE] and ends the response, live and replayed, while the settlement waits; settled() waits for it', async () => {
    const { key, keyId } = keys.issue({ budgetNano: 1_000_000_000 });
    const streamOnce = () =>
      notHanging(
        fetch(`${slow.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'End me while the key store is stuck.' }], stream: true }),
        }).then(async (r) => ({ status: r.status, cache: r.headers.get('x-cache'), text: await r.text() })),
        'the end of the stream',
      );
    const live = await streamOnce();
    expect(live).toMatchObject({ status: 200, cache: 'MISS' });
    expect(live.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const replay = await streamOnce();
    expect(replay).toEqual({ status: 200, cache: 'HIT', text: expect.stringMatching(/data: \[DONE\]\n\n$/) });
    // Neither settlement has been written: both responses ended without it. It is tracked, not dropped.
    expect(keys.uses).toEqual([]);
    expect(keys.openReservations(keyId)).toBe(1);
    let settled = false;
    const settling = slow.settled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    keys.release();
    await notHanging(settling, 'the settlements');
    expect(keys.uses.filter((u) => u.keyId === keyId)).toHaveLength(2);
    expect(keys.openReservations(keyId)).toBe(0);
    expect(keys.spentNano(keyId)).toBeGreaterThan(0);
  });
});
