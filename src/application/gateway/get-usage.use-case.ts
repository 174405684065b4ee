import type { NanoUsd } from '../../domain/cost/money';
import { keyUsage, type KeyUsage } from '../../domain/gateway/key-usage';
import type { Clock } from '../../ports/clock';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { GatewayCaller } from './gateway-caller';

export interface UsageQuery {
  readonly from: number | undefined;
  readonly to: number | undefined;
}

export interface UsageView extends KeyUsage {
  readonly keyId: string;
  readonly window: { readonly from: number; readonly to: number };
  /** The key's lifetime budget and settled spend, as its record holds them. */
  readonly budget: { readonly budgetNano: NanoUsd | undefined; readonly spentNano: NanoUsd; readonly remainingNano: NanoUsd | undefined };
}

export const DEFAULT_USAGE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** `GET /v1/usage`: the caller's own gateway traffic in a window (30 days by default) — never another key's. */
export class GetUsageUseCase {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly clock: Clock,
  ) {}

  async execute(caller: GatewayCaller, query: UsageQuery): Promise<UsageView> {
    // A `from` after now with no `to` is an empty window ending there, never one that ends before it starts.
    const to = query.to ?? Math.max(this.clock.now(), query.from ?? 0);
    const from = query.from ?? to - DEFAULT_USAGE_WINDOW_MS;
    const entries = await this.ledger.list({ from, to });
    const { budgetNano, spentNano } = caller;
    return {
      keyId: caller.keyId,
      window: { from, to },
      ...keyUsage(entries, caller.keyId, { from, to }),
      budget: { budgetNano, spentNano, remainingNano: budgetNano === undefined ? undefined : Math.max(0, budgetNano - spentNano) },
    };
  }
}
