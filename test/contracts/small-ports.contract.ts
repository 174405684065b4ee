import type { Metric, MetricsSink } from '../../src/ports/metrics-sink';
import type { SecretStore } from '../../src/ports/secret-store';

/** The MetricsSink contract; `recorded` reads back what the sink holds (a test hook of each adapter). */
export function metricsSinkContract(
  name: string,
  make: (maxMetrics: number) => Promise<{ sink: MetricsSink; recorded(): Promise<readonly Metric[]>; close(): Promise<void> }>,
): void {
  describe(`MetricsSink contract: ${name}`, () => {
    const metric = (value: number): Metric => ({ name: 'Feedback', value, unit: 'Count', dimensions: { vendor: 'openai', model: 'gpt-4.1' } });

    it('records metrics and flushes without failing', async () => {
      const { sink, recorded, close } = await make(100);
      sink.record([metric(1), { name: 'APILatency', value: 12.5, unit: 'Milliseconds', dimensions: {} }]);
      sink.record([]);
      await expect(sink.flush()).resolves.toBeUndefined();
      expect(await recorded()).toEqual([metric(1), { name: 'APILatency', value: 12.5, unit: 'Milliseconds', dimensions: {} }]);
      await close();
    });

    it('stays bounded, keeping the newest metrics', async () => {
      const { sink, recorded, close } = await make(10);
      for (let i = 0; i < 25; i++) sink.record([metric(i)]);
      sink.record(Array.from({ length: 7 }, (_, i) => metric(100 + i)));
      const kept = await recorded();
      expect(kept.length).toBeLessThanOrEqual(10);
      expect(kept.at(-1)).toEqual(metric(106));
      expect(kept.map((m) => m.value)).toEqual([22, 23, 24, 100, 101, 102, 103, 104, 105, 106].slice(-kept.length));
      await close();
    });
  });
}

/** The SecretStore contract; `make` stores the given secrets (undefined or empty means not set). */
export function secretStoreContract(name: string, make: (secrets: Record<string, string | undefined>) => Promise<SecretStore>): void {
  describe(`SecretStore contract: ${name}`, () => {
    it('answers a known secret with its value and a missing or empty one with undefined', async () => {
      const store = await make({ OPENAI_API_KEY: 'sk-test-openai-123456', ANTHROPIC_API_KEY: '', BEDROCK_ROLE: undefined });
      await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-test-openai-123456');
      await expect(store.get('ANTHROPIC_API_KEY')).resolves.toBeUndefined();
      await expect(store.get('BEDROCK_ROLE')).resolves.toBeUndefined();
      await expect(store.get('NEVER_HEARD_OF_IT')).resolves.toBeUndefined();
    });
  });
}
