import { InMemoryCacheStore } from '../../src/adapters/memory/in-memory-cache-store';
import { InMemoryFeedbackRepo } from '../../src/adapters/memory/in-memory-feedback-repo';
import { InMemoryMetricsSink } from '../../src/adapters/memory/in-memory-metrics-sink';
import { InMemoryRateLimiter } from '../../src/adapters/memory/in-memory-rate-limiter';
import { InMemorySayingRepo } from '../../src/adapters/memory/in-memory-saying-repo';
import { InMemorySecretStore } from '../../src/adapters/memory/in-memory-secret-store';
import { InMemoryUsageLedger } from '../../src/adapters/memory/in-memory-usage-ledger';
import { MemoryState } from '../../src/adapters/memory/memory-state';
import type { FileStateSettings } from '../../src/adapters/file/file-state';
import { cacheStoreContract } from './cache-store.contract';
import { feedbackRepoContract } from './feedback-repo.contract';
import { rateLimiterContract } from './rate-limiter.contract';
import { sayingRepoContract } from './saying-repo.contract';
import { metricsSinkContract, secretStoreContract } from './small-ports.contract';
import { openTempFileState, type TempFileState } from './support';
import { usageLedgerContract } from './usage-ledger.contract';

/** The state-backed ports over one MemoryState, as the container wires them. */
function portsOver(state: MemoryState, close: () => Promise<void>) {
  return {
    repo: new InMemorySayingRepo(state),
    feedback: new InMemoryFeedbackRepo(state),
    usage: new InMemoryUsageLedger(state),
    close,
  };
}

const inMemory = () => Promise.resolve(portsOver(new MemoryState(), () => Promise.resolve()));

interface FileBackedPorts extends ReturnType<typeof portsOver> {
  reopen(): Promise<FileBackedPorts>;
}

const overFile = (temp: TempFileState): FileBackedPorts => ({
  ...portsOver(temp.fileState.state, () => temp.close()),
  reopen: async () => overFile(await temp.reopen()),
});

/** FileState over a fresh temp folder; with `settings` that compact often, compaction runs mid-test. */
const fileBacked = (settings: Partial<Omit<FileStateSettings, 'dataDir'>> = {}) => async () => overFile(await openTempFileState(settings));

const stores = [
  ['in-memory', inMemory],
  ['file-backed (FileState)', fileBacked()],
  ['file-backed, compacting constantly', fileBacked({ compactionRatio: 1.2, minLinesBeforeCompaction: 4 })],
] as const;

for (const [name, make] of stores) {
  sayingRepoContract(name, make);
  feedbackRepoContract(name, make);
  usageLedgerContract(name, make);
}

cacheStoreContract('InMemoryCacheStore', ({ clock, maxEntries }) =>
  Promise.resolve({ cache: new InMemoryCacheStore(clock, maxEntries), close: () => Promise.resolve() }),
);

rateLimiterContract('InMemoryRateLimiter', (clock) => Promise.resolve({ limiter: new InMemoryRateLimiter(clock), close: () => Promise.resolve() }));

metricsSinkContract('InMemoryMetricsSink', (max) => {
  const sink = new InMemoryMetricsSink(max);
  return Promise.resolve({ sink, recorded: () => Promise.resolve(sink.recorded()), close: () => Promise.resolve() });
});

secretStoreContract('InMemorySecretStore', (secrets) => Promise.resolve(new InMemorySecretStore(secrets)));
