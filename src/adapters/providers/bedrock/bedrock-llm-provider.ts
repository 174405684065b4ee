import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { RegionStatus } from '../../../domain/routing/region-health';
import type { Clock } from '../../../ports/clock';
import { LlmProviderError, type LlmProvider, type LlmRequest, type LlmResult, type LlmStreamEvent } from '../../../ports/llm-provider';
import { fromTransportFailure } from '../shared/classify';
import { BEDROCK_APIS, type BedrockApi, type BedrockApiName } from './bedrock-apis';
import { classifyBedrockError } from './bedrock-errors';
import { RegionalClients, type RegionalClientSettings } from './regional-clients';

export interface BedrockSettings extends RegionalClientSettings {
  /** Regions in priority order; the first healthy one serves. */
  readonly regions: readonly string[];
  /** Which API serves a vendor model id (the catalog's `bedrockApi`). */
  readonly apiFor: (vendorModelId: string) => BedrockApiName;
  readonly clock: Clock;
}

const PROVIDER = 'bedrock';

/**
 * Bedrock Runtime across several regions. A call tries the regions in `regionOrder`: a throttled, failing
 * or unreachable region cools down and the call moves on to the next one at once; a bad request or bad
 * credentials would fail everywhere, so they end the call and say nothing about the region. A stream moves
 * on only before its first delta: after that a retry would repeat text the caller already has.
 */
export class BedrockLlmProvider implements LlmProvider {
  readonly name = PROVIDER;
  readonly offline = false;
  private readonly clients: RegionalClients;

  constructor(private readonly settings: BedrockSettings) {
    if (settings.regions.length === 0) throw new Error('BedrockLlmProvider needs at least one region');
    this.clients = new RegionalClients(settings);
  }

  async generate(request: LlmRequest): Promise<LlmResult> {
    const api = this.apiOf(request);
    const { value } = await this.acrossRegions(request, (client) => api.generate(client, request));
    return value;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmStreamEvent> {
    const api = this.apiOf(request);
    const { value: opened, region } = await this.acrossRegions(request, (client) => firstEvent(api.stream(client, request)));
    const { iterator } = opened;
    try {
      for (let next = opened.first; !next.done; next = await iterator.next()) yield next.value;
    } catch (error) {
      const failure = classifyBedrockError(error, request.signal, this.settings.clock.now());
      if (failure.regionFault) this.clients.failed(region, this.settings.clock.now());
      throw failure.error;
    } finally {
      await iterator.return?.();
    }
  }

  /** Each region in priority order, healthy or cooling until when; for the health report. */
  health(): readonly RegionStatus[] {
    return this.clients.statuses(this.settings.clock.now());
  }

  /** Closes the regions' clients and their connections. */
  destroy(): void {
    this.clients.destroy();
  }

  private apiOf(request: LlmRequest): BedrockApi {
    return BEDROCK_APIS[this.settings.apiFor(request.model)];
  }

  private async acrossRegions<T>(request: LlmRequest, attempt: (client: BedrockRuntimeClient) => Promise<T>): Promise<{ value: T; region: string }> {
    let last: LlmProviderError | undefined;
    for (const region of this.clients.order(this.settings.clock.now())) {
      if (request.signal?.aborted) throw fromTransportFailure(PROVIDER, request.signal.reason, request.signal);
      try {
        const value = await attempt(this.clients.client(region));
        this.clients.succeeded(region);
        return { value, region };
      } catch (error) {
        const failure = classifyBedrockError(error, request.signal, this.settings.clock.now());
        if (!failure.regionFault) throw failure.error;
        this.clients.failed(region, this.settings.clock.now());
        last = failure.error;
      }
    }
    throw last ?? new LlmProviderError('unavailable', `${PROVIDER} has no region to try`, { provider: PROVIDER });
  }
}

interface OpenedStream {
  readonly iterator: AsyncIterator<LlmStreamEvent>;
  readonly first: IteratorResult<LlmStreamEvent>;
}

/** Starts a stream and waits for its first event, so that a failure before any text can move regions. */
async function firstEvent(events: AsyncIterable<LlmStreamEvent>): Promise<OpenedStream> {
  const iterator = events[Symbol.asyncIterator]();
  return { iterator, first: await iterator.next() };
}
