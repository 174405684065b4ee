import type { UsageLedger } from '../../src/ports/usage-ledger';
import { makeUsage } from './support';

export interface UsageStore {
  readonly usage: UsageLedger;
  close(): Promise<void>;
}

/** The UsageLedger contract; `make` must return an empty ledger each time. */
export function usageLedgerContract(name: string, make: () => Promise<UsageStore>): void {
  describe(`UsageLedger contract: ${name}`, () => {
    let store: UsageStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it('lists a recorded entry whole', async () => {
      const entry = makeUsage(5_000, {
        channel: 'gateway', source: 'none', vendor: 'openai', model: 'gpt-4.1', provider: 'offline', keyId: 'cs-key-1',
        spend: { inputTokens: 10, outputTokens: 20, costNano: 150_000, estimated: false, llmLatencyMs: 42 },
      });
      await store.usage.record(entry);
      await expect(store.usage.list({ from: 0, to: 10_000 })).resolves.toEqual([entry]);
    });

    it('keeps a gateway entry\'s HTTP status, error code and partial mark', async () => {
      const entry = makeUsage(6_000, {
        channel: 'gateway', source: 'none', vendor: 'anthropic', model: 'haiku', provider: 'anthropic', keyId: 'cs-key-2', status: 'error',
        httpStatus: 200, errorCode: 'client_closed', partial: true,
        spend: { inputTokens: 12, outputTokens: 3, costNano: 37_500, estimated: true, llmLatencyMs: 80 },
      });
      await store.usage.record(entry);
      await expect(store.usage.list({ from: 0, to: 10_000 })).resolves.toStrictEqual([entry]);
    });

    it('lists only entries inside the range, both bounds inclusive', async () => {
      const entries = [999, 1_000, 1_500, 2_000, 2_001].map((at) => makeUsage(at));
      for (const e of entries) await store.usage.record(e);
      const listed = await store.usage.list({ from: 1_000, to: 2_000 });
      expect(listed.map((e) => e.at).sort((a, b) => a - b)).toEqual([1_000, 1_500, 2_000]);
      expect(await store.usage.list({ from: 3_000, to: 4_000 })).toEqual([]);
    });
  });
}
