import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { totalTokens } from '../../domain/cost/cost';
import { nanoToUsd } from '../../domain/cost/money';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Metric, MetricDimensions, MetricsSink } from '../../ports/metrics-sink';
import type { RandomSource } from '../../ports/random-source';
import type { UsageLedger } from '../../ports/usage-ledger';
import { describeError } from '../sayings/pool-builder';
import type { ChatReplyView } from './chat-views';
import type { CachedReply } from './reply-cache';

/**
 * One ledger line and the metrics per chat message. A cached reply carries no spend — its call was paid for
 * once, by the request that made it — so the ledger's totals count every token and nano-dollar once.
 */
export class ChatAccounting {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly metrics: MetricsSink,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  async answered(view: ChatReplyView, answer: CachedReply): Promise<void> {
    const dimensions: MetricDimensions = { vendor: view.vendor, model: view.model, channel: 'chat' };
    const spend = view.cached
      ? undefined
      : { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, costNano: answer.costNano, estimated: answer.estimated, llmLatencyMs: answer.latencyMs };
    const metrics: Metric[] = [
      { name: 'TotalExecutionTime', value: view.executionTime, unit: 'Milliseconds', dimensions },
      { name: 'CacheHit', value: view.cached ? 1 : 0, unit: 'Count', dimensions },
    ];
    if (spend) {
      metrics.push(
        { name: 'APILatency', value: spend.llmLatencyMs, unit: 'Milliseconds', dimensions },
        { name: 'TokensUsed', value: totalTokens(spend) ?? 0, unit: 'Count', dimensions },
        { name: 'Cost', value: nanoToUsd(spend.costNano ?? 0), unit: 'None', dimensions },
      );
    }
    this.metrics.record(metrics);
    await this.record({
      source: view.cached ? 'none' : 'live',
      vendor: view.vendor,
      model: view.model,
      provider: answer.provider,
      offline: view.offline,
      latencyMs: view.executionTime,
      cacheHit: view.cached,
      status: 'ok',
      spend,
    });
  }

  /** A message no model answered: counted as an error request, with no spend (none was reported). */
  async failed(startedMs: number, model: ModelSpec | undefined, offline: boolean, code: string): Promise<void> {
    const latencyMs = Math.round((this.clock.monotonicMs() - startedMs) * 100) / 100;
    const dimensions: MetricDimensions = { channel: 'chat', ...(model ? { vendor: model.vendor, model: model.key } : {}) };
    this.metrics.record([{ name: 'TotalExecutionTime', value: latencyMs, unit: 'Milliseconds', dimensions }]);
    this.logger.warn('chat message not answered', { code, model: model?.key });
    await this.record({
      source: 'none',
      vendor: model?.vendor,
      model: model?.key,
      provider: undefined,
      offline,
      latencyMs,
      cacheHit: false,
      status: 'error',
      spend: undefined,
    });
  }

  private async record(fields: Omit<UsageEntry, 'id' | 'at' | 'channel' | 'keyId'>): Promise<void> {
    const entry: UsageEntry = { id: this.random.uuid(), at: this.clock.now(), channel: 'chat', keyId: undefined, ...fields };
    await this.ledger.record(entry).catch((error: unknown) => this.logger.error('chat usage not recorded', { error: describeError(error) }));
  }
}
