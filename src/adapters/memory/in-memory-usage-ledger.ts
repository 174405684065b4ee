import type { TimeRange } from '../../domain/shared/time-range';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { MemoryState } from './memory-state';

/** Keeps the newest entries up to the state's bound; written behind to the journal when there is one. */
export class InMemoryUsageLedger implements UsageLedger {
  constructor(private readonly state: MemoryState) {}

  record(entry: UsageEntry): Promise<void> {
    this.state.addUsage(entry);
    return this.state.journal.write({ t: 'usage', entry }, false);
  }

  list(range: TimeRange): Promise<readonly UsageEntry[]> {
    return Promise.resolve(this.state.usage.filter((e) => e.at >= range.from && e.at <= range.to));
  }
}
