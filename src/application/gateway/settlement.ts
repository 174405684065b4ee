import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { costOf } from '../../domain/cost/cost';
import { nanoToUsd } from '../../domain/cost/money';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Metric, MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { UsageLedger } from '../../ports/usage-ledger';
import type { ServedModel } from './chat-request';
import type { BudgetReservation, GatewayCaller, GatewayKeys } from './gateway-caller';

export interface SettleInput {
  readonly caller: GatewayCaller;
  readonly spec: ModelSpec;
  readonly served: ServedModel;
  readonly reservation: BudgetReservation | undefined;
  /** What the call produced; undefined when no model call produced anything (a cache hit, a failure before output). */
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly estimated: boolean } | undefined;
  readonly llmLatencyMs: number | undefined;
  readonly latencyMs: number;
  readonly cacheHit: boolean;
  readonly httpStatus: number;
  readonly errorCode: string | undefined;
  readonly partial: boolean;
}

/**
 * After every admitted request, success or not: the usage ledger line, the key's settled spend (which releases
 * its budget reservation) and the metrics. Never throws: by now the client has its answer, and a lost ledger
 * line or an unreleased reservation (which holds its money back, and is charged in full once it expires — the
 * safe direction for a budget) must not turn it into an error.
 */
export class GatewaySettlement {
  constructor(
    private readonly keys: GatewayKeys,
    private readonly ledger: UsageLedger,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async settle(input: SettleInput): Promise<void> {
    const { caller, spec, served, usage } = input;
    const costNano = usage ? (costOf(spec, usage) ?? 0) : 0;
    const at = this.clock.now();
    const entry: UsageEntry = {
      id: this.random.uuid(),
      at,
      channel: 'gateway',
      source: 'none',
      vendor: served.vendor,
      model: served.key,
      provider: served.provider,
      offline: served.offline,
      keyId: caller.keyId,
      latencyMs: round(input.latencyMs),
      cacheHit: input.cacheHit,
      status: input.errorCode === undefined ? 'ok' : 'error',
      spend: usage
        ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costNano, estimated: usage.estimated, llmLatencyMs: round(input.llmLatencyMs ?? 0) }
        : undefined,
      httpStatus: input.httpStatus,
      ...(input.errorCode === undefined ? {} : { errorCode: input.errorCode }),
      ...(input.partial ? { partial: true } : {}),
    };
    this.metrics.record(metricsOf(entry));
    const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
    await Promise.all([
      this.ledger.record(entry).catch((error: unknown) => this.logger.error('gateway usage not recorded', { error: describe(error) })),
      this.keys
        .recordUse(caller.keyId, { tokens, costNano, at }, input.reservation)
        .catch((error: unknown) => this.logger.error('gateway key usage not settled; its reservation stays held, then is charged in full when it expires', { keyId: caller.keyId, error: describe(error) })),
    ]);
  }
}

function metricsOf(entry: UsageEntry): readonly Metric[] {
  const dimensions = { vendor: entry.vendor, model: entry.model, channel: 'gateway' } as const;
  const spend = entry.spend;
  return [
    { name: 'TotalExecutionTime', value: entry.latencyMs, unit: 'Milliseconds', dimensions },
    { name: 'CacheHit', value: entry.cacheHit ? 1 : 0, unit: 'Count', dimensions },
    ...(spend
      ? ([
          { name: 'APILatency', value: spend.llmLatencyMs, unit: 'Milliseconds', dimensions },
          { name: 'TokensUsed', value: (spend.inputTokens ?? 0) + (spend.outputTokens ?? 0), unit: 'Count', dimensions },
          { name: 'Cost', value: nanoToUsd(spend.costNano ?? 0), unit: 'None', dimensions },
        ] as const)
      : []),
  ];
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Name and message only: an error's other fields (an SDK's request, a response body) may carry secrets. */
const describe = (error: unknown): { name: string; message: string } =>
  error instanceof Error ? { name: error.name, message: error.message.slice(0, 200) } : { name: 'unknown', message: String(error).slice(0, 200) };
