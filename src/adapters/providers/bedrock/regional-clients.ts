import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import {
  NO_REGION_HEALTH,
  recordFailure,
  recordSuccess,
  regionOrder,
  regionStatuses,
  type RegionHealthMap,
  type RegionStatus,
} from '../../../domain/routing/region-health';

export interface RegionalClientSettings {
  readonly regions: readonly string[];
  readonly endpointFor?: (region: string) => string | undefined;
  readonly credentials?: BedrockRuntimeClientConfig['credentials'];
  readonly requestHandler?: BedrockRuntimeClientConfig['requestHandler'];
}

/** One SDK client per region, made on first use and kept, and what the calls so far say about each region. */
export class RegionalClients {
  private readonly clients = new Map<string, BedrockRuntimeClient>();
  private health: RegionHealthMap = NO_REGION_HEALTH;

  constructor(private readonly settings: RegionalClientSettings) {}

  order(now: number): readonly string[] {
    return regionOrder(this.settings.regions, this.health, now);
  }

  client(region: string): BedrockRuntimeClient {
    let client = this.clients.get(region);
    if (!client) {
      const { endpointFor, credentials, requestHandler } = this.settings;
      const endpoint = endpointFor?.(region);
      client = new BedrockRuntimeClient({
        region,
        // The SDK's own retries are off: the resilience layer retries, and failover here moves on instead.
        maxAttempts: 1,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(credentials === undefined ? {} : { credentials }),
        ...(requestHandler === undefined ? {} : { requestHandler }),
      });
      this.clients.set(region, client);
    }
    return client;
  }

  failed(region: string, now: number): void {
    this.health = recordFailure(this.health, region, now);
  }

  succeeded(region: string): void {
    this.health = recordSuccess(this.health, region);
  }

  statuses(now: number): readonly RegionStatus[] {
    return regionStatuses(this.settings.regions, this.health, now);
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
