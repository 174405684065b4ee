import type { Container } from 'inversify';
import { GatewayAdmission } from '../../application/gateway/admission';
import { ChatCompletionUseCase } from '../../application/gateway/chat-completion.use-case';
import type { GatewaySettings } from '../../application/gateway/chat-request';
import { GetUsageUseCase } from '../../application/gateway/get-usage.use-case';
import { ListModelsUseCase } from '../../application/gateway/list-models.use-case';
import { GatewayResponseCache } from '../../application/gateway/response-cache';
import { GatewaySettlement } from '../../application/gateway/settlement';
import { NodeHasher } from '../../adapters/system/node-hasher';
import type { AppConfig } from '../config/app-config';
import type { SchemaLimits } from '../http/routes/gateway/chat-request-schema';
import { gatewayRoutes } from '../http/routes/gateway/gateway-routes';
import type { ApiRoute } from '../http/routes/api-routes';
import { TOKENS as T } from './tokens';

export function gatewaySettings(config: AppConfig): GatewaySettings {
  return {
    defaultRpm: config.GATEWAY_DEFAULT_RPM,
    defaultTpm: config.GATEWAY_DEFAULT_TPM,
    defaultMaxTokens: config.GATEWAY_DEFAULT_MAX_TOKENS,
    cacheTtlMs: config.GATEWAY_CACHE_TTL_MS,
    upstreamTimeoutMs: config.GATEWAY_TIMEOUT_MS,
    maxMessages: config.GATEWAY_MAX_MESSAGES,
    maxMessageBytes: config.GATEWAY_MAX_MESSAGE_BYTES,
    maxControlRatio: 0.05,
  };
}

/**
 * The gateway's use cases, for every profile. `T.GatewayKeys` (key management) is bound elsewhere; until it is,
 * nothing here is resolved and the gateway's routes are not mounted.
 */
export function bindGateway(c: Container, config: AppConfig): void {
  const settings = gatewaySettings(config);
  c.bind(T.GatewayAdmission).toDynamicValue(({ get }) => new GatewayAdmission(get(T.Catalog), get(T.ModelDirectory), get(T.RateLimiter), settings));
  c.bind(T.GatewayCache).toDynamicValue(({ get }) => new GatewayResponseCache(get(T.CacheStore), new NodeHasher(), settings.cacheTtlMs, get(T.Logger)));
  c.bind(T.GatewaySettlement).toDynamicValue(
    ({ get }) => new GatewaySettlement(get(T.GatewayKeys), get(T.UsageLedger), get(T.MetricsSink), get(T.Logger), get(T.Clock), get(T.Random)),
  );
  c.bind(T.GatewayChat).toDynamicValue(
    ({ get }) =>
      new ChatCompletionUseCase(
        get(T.GatewayAdmission), get(T.GatewayCache), get(T.GatewayKeys), get(T.GatewaySettlement), get(T.Clock), get(T.Random), get(T.Logger), settings,
      ),
  );
  c.bind(T.GatewayModels).toDynamicValue(({ get }) => new ListModelsUseCase(get(T.Catalog), get(T.ModelDirectory)));
  c.bind(T.GatewayUsage).toDynamicValue(({ get }) => new GetUsageUseCase(get(T.UsageLedger), get(T.Clock)));
}

/** Message text is at most 4 bytes a character; the byte limit is checked exactly after cleaning. */
const schemaLimits = (config: AppConfig): SchemaLimits => ({ maxMessages: config.GATEWAY_MAX_MESSAGES, maxMessageChars: config.GATEWAY_MAX_MESSAGE_BYTES });

/** The `/v1/` routes, resolved from a container whose `T.GatewayKeys` is bound. */
export function resolveGatewayRoutes(c: Container): readonly ApiRoute[] {
  const config = c.get<AppConfig>(T.Config);
  return gatewayRoutes({
    chat: c.get(T.GatewayChat),
    listModels: c.get(T.GatewayModels),
    getUsage: c.get(T.GatewayUsage),
    keys: c.get(T.GatewayKeys),
    admission: c.get(T.GatewayAdmission),
    bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES,
    limits: schemaLimits(config),
    logger: c.get(T.Logger),
  });
}
