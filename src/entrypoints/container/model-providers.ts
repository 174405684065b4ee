import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SSMClient } from '@aws-sdk/client-ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { retiredModels, type ModelCatalog, type ModelSpec, type Vendor } from '../../domain/catalog/model-catalog';
import type { Clock } from '../../ports/clock';
import type { LlmProvider, ModelProviders } from '../../ports/llm-provider';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import type { SecretStore } from '../../ports/secret-store';
import { SsmSecretStore } from '../../adapters/aws/ssm-secret-store';
import { EnvironmentSecretStore } from '../../adapters/secrets/environment-secret-store';
import { OfflineLlmProvider } from '../../adapters/offline/offline-llm-provider';
import { DEFAULT_RESILIENCE, ResilientLlmProvider } from '../../adapters/resilience/resilient-llm-provider';
import type { AppConfig } from '../config/app-config';
import { LazyLlmProvider } from './lazy-llm-provider';

export const OPENAI_KEY = 'OPENAI_API_KEY';
export const ANTHROPIC_KEY = 'ANTHROPIC_API_KEY';

/** Where provider keys come from: the environment locally, SSM Parameter Store in AWS. */
export function buildSecretStore(config: AppConfig, env: Readonly<Record<string, string | undefined>>): SecretStore {
  if (config.SECRETS_SOURCE === 'env') return new EnvironmentSecretStore(env, [OPENAI_KEY, ANTHROPIC_KEY]);
  const client = new SSMClient({
    region: config.AWS_REGION,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
  });
  return new SsmSecretStore({
    client,
    parameterNames: { [OPENAI_KEY]: config.OPENAI_PARAMETER_NAME, [ANTHROPIC_KEY]: config.CLAUDE_PARAMETER_NAME },
    ttlMs: 300_000,
  });
}

export interface ProviderDeps {
  readonly catalog: ModelCatalog;
  readonly config: AppConfig;
  readonly secrets: SecretStore;
  /** Whether each vendor's key is configured: present in the environment, or an SSM parameter is named. */
  readonly configured: Readonly<Record<'openai' | 'anthropic', boolean>>;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
}

/**
 * One provider per vendor, so each has one circuit and one connection pool. A model whose vendor is
 * configured is live, behind the resilience layer; every other model is served by the offline simulation.
 */
export function buildModelProviders(deps: ProviderDeps): ModelProviders {
  const { config, secrets, clock, random, logger } = deps;
  const resilient = (inner: LlmProvider) => new ResilientLlmProvider(inner, DEFAULT_RESILIENCE, clock, random, logger);
  const live: Partial<Record<Vendor, LlmProvider>> = {};
  // Each vendor's adapter module (and its SDK) is loaded on the provider's first call (LazyLlmProvider).
  if (deps.configured.openai) {
    const settings = { apiKey: () => secrets.get(OPENAI_KEY), baseURL: config.OPENAI_BASE_URL, clock };
    live.openai = resilient(
      new LazyLlmProvider('openai', async () => {
        if (config.OPENAI_CLIENT === 'sdk') {
          const [{ OpenAiLlmProvider }, { createNodeHttpFetch }] = await Promise.all([
            import('../../adapters/providers/openai/openai-llm-provider.js'),
            import('../../adapters/providers/shared/node-http-fetch.js'),
          ]);
          return new OpenAiLlmProvider({ ...settings, fetch: createNodeHttpFetch() });
        }
        // No SDK at all on this path (ADR 0015).
        const { OpenAiHttpLlmProvider } = await import('../../adapters/providers/openai/openai-http-llm-provider.js');
        return new OpenAiHttpLlmProvider(settings);
      }),
    );
  }
  if (deps.configured.anthropic) {
    live.anthropic = resilient(
      new LazyLlmProvider('anthropic', async () => {
        const { AnthropicLlmProvider } = await import('../../adapters/providers/anthropic/anthropic-llm-provider.js');
        return new AnthropicLlmProvider({ apiKey: () => secrets.get(ANTHROPIC_KEY), baseURL: config.ANTHROPIC_BASE_URL, clock });
      }),
    );
  }
  if (config.BEDROCK_ENABLED) {
    const apis = new Map([...deps.catalog.values()].filter((m) => m.vendor === 'bedrock').map((m) => [m.vendorModelId, m.bedrockApi ?? 'converse'] as const));
    live.bedrock = resilient(
      new LazyLlmProvider('bedrock', async () => {
        const { BedrockLlmProvider } = await import('../../adapters/providers/bedrock/bedrock-llm-provider.js');
        return new BedrockLlmProvider({
          regions: config.BEDROCK_REGIONS,
          endpointFor: () => config.BEDROCK_ENDPOINT,
          apiFor: (id: string) => apis.get(id) ?? 'converse',
          clock,
          // The default HTTP/2 handler opens a connection per call; a keep-alive pool reuses them.
          requestHandler: new NodeHttpHandler({
            httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
            httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
            connectionTimeout: 2_000,
          }),
        });
      }),
    );
  }
  const providers = new Map<string, LlmProvider>();
  [...deps.catalog.values()].forEach((model: ModelSpec, i) => providers.set(model.key, live[model.vendor] ?? offline(config, i)));
  warnOfRetirements(deps.catalog, live, clock.now(), logger);
  return providers;
}

const RETIREMENT_NOTICE_MS = 30 * 24 * 3_600_000;

/**
 * Once per process, structured, for each live model whose vendor id is retired or retires within 30 days: the
 * vendor's SDK may print its own unstructured notice on every call, and a retired id fails at the vendor.
 */
function warnOfRetirements(catalog: ModelCatalog, live: Partial<Record<Vendor, LlmProvider>>, nowMs: number, logger: Logger): void {
  const retired = new Set(retiredModels(catalog, nowMs).map((spec) => spec.key));
  for (const spec of retiredModels(catalog, nowMs + RETIREMENT_NOTICE_MS)) {
    if (!live[spec.vendor]) continue;
    logger.warn(retired.has(spec.key) ? 'model retired by its vendor' : 'model retires soon', {
      alert: 'model_retirement',
      model: spec.key,
      vendorModelId: spec.vendorModelId,
      retiresOn: spec.retiresOn,
      fix: 'move the key to its successor with MODEL_OVERRIDES (docs/deploy.md)',
    });
  }
}

function offline(config: AppConfig, index: number): LlmProvider {
  return new OfflineLlmProvider({
    seed: config.OFFLINE_SEED + index,
    minLatencyMs: config.OFFLINE_MIN_LATENCY_MS,
    maxLatencyMs: config.OFFLINE_MAX_LATENCY_MS,
  });
}

/** Configured means usable without a network call at start-up, so a down SSM cannot stop a cold start. */
export async function configuredVendors(
  config: AppConfig,
  secrets: SecretStore,
): Promise<Readonly<Record<'openai' | 'anthropic', boolean>>> {
  if (config.SECRETS_SOURCE === 'ssm') return { openai: true, anthropic: true };
  const [openai, anthropic] = await Promise.all([secrets.get(OPENAI_KEY), secrets.get(ANTHROPIC_KEY)]);
  return { openai: openai !== undefined, anthropic: anthropic !== undefined };
}
