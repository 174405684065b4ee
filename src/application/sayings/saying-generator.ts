import type { ModelSpec } from '../../domain/catalog/model-catalog';
import { costOf, splitEvenly } from '../../domain/cost/cost';
import { estimateTokens } from '../../domain/limits/token-estimate';
import { parseSayings } from '../../domain/sayings/parse';
import { buildSayingPrompt } from '../../domain/sayings/prompt';
import type { Saying } from '../../domain/sayings/saying';
import type { AwsService } from '../../domain/services/aws-service';
import type { UsageEntry } from '../../domain/usage/usage-entry';
import type { Clock } from '../../ports/clock';
import type { LlmProvider } from '../../ports/llm-provider';
import type { RandomSource } from '../../ports/random-source';
import type { UsageLedger } from '../../ports/usage-ledger';

export interface Generation {
  readonly sayings: readonly Saying[];
  readonly llmTimeMs: number;
  readonly usageEntry: UsageEntry;
}

/** Asks one model for one saying per service and turns its answer into sayings with their metadata. */
export class SayingGenerator {
  constructor(
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly ledger: UsageLedger,
  ) {}

  async generate(
    model: ModelSpec,
    provider: LlmProvider,
    services: readonly AwsService[],
    channel: 'sayings' | 'sayings-build' | 'jobs',
    signal: AbortSignal | undefined,
  ): Promise<Generation> {
    const started = this.clock.monotonicMs();
    const prompt = buildSayingPrompt(model.vendor, services);
    const result = await provider.generate({
      model: model.vendorModelId,
      messages: prompt,
      maxTokens: model.maxTokens,
      temperature: model.temperature,
      signal,
      timeoutMs: model.timeoutMs,
    });
    const llmTimeMs = this.clock.monotonicMs() - started;
    const texts = parseSayings(result.text, services.length);
    // Accounting needs a figure even from a provider that reports none: estimate, and say so.
    const reported = result.usage.inputTokens !== undefined || result.usage.outputTokens !== undefined;
    const usage = reported ? result.usage : { inputTokens: estimatePromptTokens(prompt), outputTokens: estimateTokens(result.text) };
    const costNano = costOf(model, usage);
    const shares = costNano === undefined ? [] : splitEvenly(costNano, texts.length);
    const createdAt = this.clock.now();
    const sayings = texts.map((text, i): Saying => ({
      id: this.random.uuid(),
      text,
      // Parsed sayings follow the order of the services asked for.
      serviceId: services[Math.min(i, services.length - 1)]?.id ?? 'aws',
      origin: { kind: 'generated', vendor: model.vendor, model: model.key, offline: provider.offline },
      generation: {
        llmTimeMs,
        inputTokens: share(usage.inputTokens, i, texts.length),
        outputTokens: share(usage.outputTokens, i, texts.length),
        costNano: shares[i],
      },
      upvotes: 0,
      downvotes: 0,
      createdAt,
    }));
    const usageEntry: UsageEntry = {
      id: this.random.uuid(),
      at: createdAt,
      channel,
      source: channel === 'sayings' ? 'live' : 'none',
      vendor: model.vendor,
      model: model.key,
      provider: provider.name,
      offline: provider.offline,
      keyId: undefined,
      latencyMs: llmTimeMs,
      cacheHit: false,
      status: 'ok',
      spend: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costNano,
        estimated: !reported,
        llmLatencyMs: llmTimeMs,
      },
    };
    // A live call's spend is recorded by the request that made it, together with its own timing.
    if (channel !== 'sayings') await this.ledger.record(usageEntry);
    return { sayings, llmTimeMs, usageEntry };
  }
}

function estimatePromptTokens(messages: readonly { readonly content: string }[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
}

/** A whole-token share of a call's tokens, so that the shares add up to the call's total. */
function share(total: number | undefined, index: number, parts: number): number | undefined {
  if (total === undefined || parts === 0) return undefined;
  return splitEvenly(total, parts)[index];
}
