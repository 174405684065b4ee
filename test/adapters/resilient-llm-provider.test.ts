import { SystemClock } from '../../src/adapters/system/system-clock';
import { SeededRandomSource } from '../../src/adapters/system/seeded-random-source';
import { DEFAULT_RESILIENCE, ResilientLlmProvider, type ResilienceSettings } from '../../src/adapters/resilience/resilient-llm-provider';
import { LlmProviderError, type LlmErrorKind, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../src/ports/llm-provider';
import type { Logger } from '../../src/ports/logger';
import { OpenAiLlmProvider } from '../../src/adapters/providers/openai/openai-llm-provider';
import { startOpenAiFake } from '../support/fakes/openai-fake';

type Step = { fail: LlmErrorKind; retryAfterMs?: number } | { ok: string } | { hang: true };

/** A provider that follows a script, one step per call (the last step repeats), and counts its calls. */
class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly offline = false;
  calls = 0;
  readonly callTimes: number[] = [];
  private offset = 0;
  constructor(private steps: readonly Step[]) {}

  /** Replaces the script from the next call on. */
  rescript(steps: readonly Step[]): void {
    this.steps = steps;
    this.offset = this.calls;
  }

  private next(signal: AbortSignal | undefined): Promise<string> {
    const step = this.steps[Math.min(this.calls - this.offset, this.steps.length - 1)] as Step;
    this.calls++;
    this.callTimes.push(performance.now());
    if ('ok' in step) return Promise.resolve(step.ok);
    if ('hang' in step) {
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new LlmProviderError('timeout', 'aborted', { provider: this.name }))));
    }
    return Promise.reject(new LlmProviderError(step.fail, `scripted ${step.fail}`, { provider: this.name, ...(step.retryAfterMs === undefined ? {} : { retryAfterMs: step.retryAfterMs }) }));
  }

  async generate(request: LlmRequest): Promise<LlmResult> {
    const text = await this.next(request.signal);
    return { text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', rawFinishReason: 'stop' };
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const text = await this.next(request.signal);
    for (const word of text.split(' ')) yield { type: 'text-delta', text: word };
    if (text.includes('cut')) throw new LlmProviderError('unavailable', 'cut mid-stream', { provider: this.name });
    yield { type: 'finish', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', rawFinishReason: 'stop' };
  }
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const settings = (over: Partial<ResilienceSettings> = {}): ResilienceSettings => ({
  ...DEFAULT_RESILIENCE,
  backoff: { baseMs: 10, capMs: 50 },
  halfOpenAfterMs: 300,
  minAttemptMs: 20,
  ...over,
});
const wrap = (inner: LlmProvider, over: Partial<ResilienceSettings> = {}) =>
  new ResilientLlmProvider(inner, settings(over), new SystemClock(), new SeededRandomSource(7), quiet);
const req = (timeoutMs = 2_000): LlmRequest => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 10, temperature: undefined, signal: undefined, timeoutMs });

async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
  const out: LlmStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function failure(p: Promise<unknown>): Promise<LlmProviderError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LlmProviderError);
  return error as LlmProviderError;
}

describe('ResilientLlmProvider', () => {
  it('retries 5xx-class failures and returns the eventual answer', async () => {
    const inner = new ScriptedProvider([{ fail: 'unavailable' }, { fail: 'timeout' }, { ok: 'fine' }]);
    await expect(wrap(inner).generate(req())).resolves.toMatchObject({ text: 'fine' });
    expect(inner.calls).toBe(3);
  });

  it('a model the vendor does not serve: not retried, not held against the circuit, one alert a minute per model', async () => {
    const alerts: unknown[] = [];
    const logger: Logger = { ...quiet, error: (message, fields) => alerts.push({ message, ...fields }) };
    let now = 1_000_000;
    const clock = { now: () => now, monotonicMs: () => now };
    const inner = new ScriptedProvider([{ fail: 'model-unavailable' }]);
    const provider = new ResilientLlmProvider(inner, settings({ maxAttempts: 3, circuitThreshold: 2 }), clock, new SeededRandomSource(7), logger);
    for (let i = 0; i < 5; i++) expect((await failure(provider.generate(req()))).kind).toBe('model-unavailable');
    expect(inner.calls).toBe(5);
    expect(provider.isAvailable()).toBe(true);
    expect(alerts).toEqual([{ message: 'provider does not serve this model', alert: 'provider_model_unavailable', provider: 'scripted', model: 'm', status: undefined }]);
    await failure(collect(provider.stream({ ...req(), model: 'other' })));
    expect(alerts).toHaveLength(2);
    now += 60_000;
    await failure(provider.generate(req()));
    expect(alerts).toHaveLength(3);
    // The vendor still serves its other models: the circuit stayed closed.
    inner.rescript([{ ok: 'served' }]);
    await expect(provider.generate(req())).resolves.toMatchObject({ text: 'served' });
  });

  it.each(['invalid-request', 'auth', 'model-unavailable'] as const)('does not retry %s', async (kind) => {
    const inner = new ScriptedProvider([{ fail: kind }, { ok: 'never' }]);
    expect((await failure(wrap(inner).generate(req()))).kind).toBe(kind);
    expect(inner.calls).toBe(1);
  });

  it('waits at least Retry-After before retrying a 429 (FAULTS #1)', async () => {
    const inner = new ScriptedProvider([{ fail: 'rate-limited', retryAfterMs: 300 }, { ok: 'after the wait' }]);
    await expect(wrap(inner).generate(req(3_000))).resolves.toMatchObject({ text: 'after the wait' });
    const [first, second] = inner.callTimes as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(295);
  });

  it('gives up at once with 429 and Retry-After when the wait does not fit the deadline', async () => {
    const inner = new ScriptedProvider([{ fail: 'rate-limited', retryAfterMs: 2_000 }]);
    const started = performance.now();
    const error = await failure(wrap(inner).generate(req(1_000)));
    expect(performance.now() - started).toBeLessThan(200);
    expect(error).toMatchObject({ kind: 'rate-limited', details: expect.objectContaining({ retryAfterMs: 2_000 }) });
    expect(inner.calls).toBe(1);
  });

  it('ends a call that hangs at its deadline, retries included (FAULTS #4)', async () => {
    const inner = new ScriptedProvider([{ hang: true }]);
    const started = performance.now();
    const error = await failure(wrap(inner).generate(req(400)));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(800);
  });

  it('opens the circuit after repeated failures, fails fast, then half-opens and closes (FAULTS #9)', async () => {
    const inner = new ScriptedProvider([{ fail: 'unavailable' }]);
    const provider = wrap(inner, { maxAttempts: 1, circuitThreshold: 3 });
    for (let i = 0; i < 3; i++) await failure(provider.generate(req()));
    expect(inner.calls).toBe(3);
    const started = performance.now();
    const fast = await failure(provider.generate(req()));
    expect(performance.now() - started).toBeLessThan(50);
    expect(fast.kind).toBe('unavailable');
    expect(inner.calls).toBe(3);

    await new Promise((r) => setTimeout(r, 320));
    inner.rescript([{ ok: 'back' }]);
    await expect(provider.generate(req())).resolves.toMatchObject({ text: 'back' });
    await expect(provider.generate(req())).resolves.toMatchObject({ text: 'back' });
  });

  it('does not count callers that gave up against the circuit: ten clients leaving at once leave it closed', async () => {
    const inner = new ScriptedProvider([{ hang: true }]);
    const provider = wrap(inner, { maxAttempts: 1, circuitThreshold: 3 });
    const leaving = Array.from({ length: 10 }, () => new AbortController());
    const calls = leaving.map((c) => failure(provider.generate({ ...req(), signal: c.signal })));
    const streams = leaving.slice(0, 5).map((c) => failure(collect(provider.stream({ ...req(), signal: c.signal }))));
    leaving.forEach((c) => c.abort(new Error('the client closed the connection')));
    for (const error of await Promise.all([...calls, ...streams])) expect(error.kind).toBe('timeout');
    inner.rescript([{ ok: 'still closed' }]);
    await expect(provider.generate(req())).resolves.toMatchObject({ text: 'still closed' });
    expect(provider.isAvailable()).toBe(true);
  });

  it('keeps upstream calls within 1.1 × client requests when everything fails (FAULTS #9)', async () => {
    const inner = new ScriptedProvider([{ fail: 'unavailable' }]);
    const provider = wrap(inner, { circuitThreshold: 1_000_000, backoff: { baseMs: 1, capMs: 2 } });
    const results = await Promise.allSettled(Array.from({ length: 1_000 }, () => provider.generate(req())));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(inner.calls).toBeLessThanOrEqual(1_100);
  });

  it('retries a stream that fails before its first delta, never one that already sent text', async () => {
    const early = new ScriptedProvider([{ fail: 'unavailable' }, { ok: 'hello there' }]);
    const events: LlmStreamEvent[] = [];
    for await (const e of wrap(early).stream(req())) events.push(e);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual(['hello', 'there']);
    expect(early.calls).toBe(2);

    const late = new ScriptedProvider([{ ok: 'partial cut' }]);
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const e of wrap(late).stream(req())) if (e.type === 'text-delta') seen.push(e.text);
      })(),
    );
    expect(error.kind).toBe('unavailable');
    expect(seen).toEqual(['partial', 'cut']);
    expect(late.calls).toBe(1);
  });

  it('holds off a real SDK for the upstream Retry-After: 1 before its second request (FAULTS #1)', async () => {
    const fake = await startOpenAiFake();
    try {
      fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'ok', text: 'served after waiting' });
      const openai = new OpenAiLlmProvider({ apiKey: () => Promise.resolve('sk-test-key'), baseURL: fake.url, clock: new SystemClock() });
      await expect(wrap(openai).generate({ ...req(5_000), model: 'gpt-4.1-mini' })).resolves.toMatchObject({ text: 'served after waiting' });
      expect(fake.requests).toHaveLength(2);
      const [first, second] = fake.requests.map((r) => r.receivedAt);
      expect((second as number) - (first as number)).toBeGreaterThanOrEqual(990);
    } finally {
      await fake.close();
    }
  });
});
