import { nanoToUsd, sumNano } from '../cost/money';
import { USAGE_CHANNELS, type UsageChannel, type UsageEntry } from '../usage/usage-entry';

export interface ChannelStats {
  readonly channel: UsageChannel;
  /** Requests people made; background builds count none. */
  readonly requests: number;
  readonly errors: number;
  readonly cacheHits: number;
  readonly tokens: number;
  readonly costNano: number;
  readonly costUsd: number;
}

/**
 * The same entries as the totals, split by where the traffic came from (the sayings page, its background
 * builds, chat, the gateway). Every channel has a row; the rows' tokens and costs add up to the totals exactly.
 */
export function channelBreakdown(entries: readonly UsageEntry[]): readonly ChannelStats[] {
  return USAGE_CHANNELS.map((channel) => {
    const mine = entries.filter((e) => e.channel === channel);
    const costNano = sumNano(mine.map((e) => e.spend?.costNano ?? 0));
    return {
      channel,
      requests: channel === 'sayings-build' ? 0 : mine.length,
      errors: mine.filter((e) => e.status === 'error').length,
      cacheHits: mine.filter((e) => e.cacheHit).length,
      tokens: mine.reduce((s, e) => s + (e.spend?.inputTokens ?? 0) + (e.spend?.outputTokens ?? 0), 0),
      costNano,
      costUsd: nanoToUsd(costNano),
    };
  });
}
