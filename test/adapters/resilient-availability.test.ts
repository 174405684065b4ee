import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RESILIENCE, ResilientLlmProvider } from '../../src/adapters/resilience/resilient-llm-provider';
import { SeededRandomSource } from '../../src/adapters/system/seeded-random-source';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { ModelDirectory } from '../../src/application/sayings/models';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { LlmProviderError, type LlmErrorKind, type LlmProvider, type LlmRequest } from '../../src/ports/llm-provider';
import { silentLogger } from '../contracts/support';

/** Fails with `failWith` while it is set, else answers. */
function switchable(): LlmProvider & { failWith: LlmErrorKind | undefined } {
  const p = {
    name: 'switchable',
    offline: false,
    failWith: undefined as LlmErrorKind | undefined,
    generate: () =>
      p.failWith
        ? Promise.reject(new LlmProviderError(p.failWith, 'scripted', { provider: 'switchable' }))
        : Promise.resolve({ text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, rawFinishReason: 'stop' }),
    stream: () => {
      throw new Error('unused');
    },
  };
  return p;
}

const request: LlmRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 5, temperature: undefined, signal: undefined, timeoutMs: 1_000 };

describe('provider availability (what cost-aware choice sees of the circuit)', () => {
  it('is false while the circuit is open, true again once its trial call is due, and the trial closes it', async () => {
    const inner = switchable();
    const provider = new ResilientLlmProvider(inner, { ...DEFAULT_RESILIENCE, maxAttempts: 1, circuitThreshold: 3, halfOpenAfterMs: 150 }, new SystemClock(), new SeededRandomSource(1), silentLogger);
    expect(provider.isAvailable()).toBe(true);
    inner.failWith = 'unavailable';
    for (let i = 0; i < 3; i++) await provider.generate(request).catch(() => undefined);
    expect(provider.isAvailable()).toBe(false);
    await expect(provider.generate(request)).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/circuit is open/) });
    inner.failWith = undefined;
    await sleep(200);
    expect(provider.isAvailable()).toBe(true);
    await expect(provider.generate(request)).resolves.toMatchObject({ text: 'ok' });
    expect(provider.isAvailable()).toBe(true);
  });

  it('stays available through bad requests, which say nothing about the vendor’s health', async () => {
    const inner = switchable();
    inner.failWith = 'invalid-request';
    const provider = new ResilientLlmProvider(inner, { ...DEFAULT_RESILIENCE, maxAttempts: 1, circuitThreshold: 2 }, new SystemClock(), new SeededRandomSource(1), silentLogger);
    for (let i = 0; i < 5; i++) await provider.generate(request).catch(() => undefined);
    expect(provider.isAvailable()).toBe(true);
  });

  it('reaches cost-aware choice through the ModelDirectory: live or offline, and available', () => {
    const catalog = buildCatalog();
    const down = { ...switchable(), isAvailable: () => false };
    const offline: LlmProvider = { ...switchable(), name: 'offline', offline: true };
    const directory = new ModelDirectory(catalog, new Map([['haiku', down], ['gpt-4.1', offline]]));
    expect(directory.candidates().map((c) => [c.spec.key, c.live, c.available])).toEqual([
      ['haiku', true, false],
      ['gpt-4.1', false, true],
    ]);
  });
});
