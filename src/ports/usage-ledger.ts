import type { UsageEntry } from '../domain/usage/usage-entry';
import type { TimeRange } from '../domain/shared/time-range';

/** Every request and every LLM call, for stats and accounting. */
export interface UsageLedger {
  record(entry: UsageEntry): Promise<void>;
  list(range: TimeRange): Promise<readonly UsageEntry[]>;
}

export class UsageLedgerError extends Error {
  override readonly name = 'UsageLedgerError';
}
