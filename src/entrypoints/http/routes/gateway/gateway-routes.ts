import type { RequestListener } from 'node:http';
import { gatewayDoor } from '../../gateway-door';
import type { ApiRoute } from '../api-routes';
import { chatCompletionsRoute, type ChatRouteDeps } from './chat-completions.route';
import { modelRoute, modelsRoute, type ModelsRouteDeps } from './models.route';
import { openAiErrorResponse } from './openai-errors';
import { usageRoute, type UsageRouteDeps } from './usage.route';
import type { Logger } from '../../../../ports/logger';
import type { Route } from '../../core/http-types';

export type GatewayRouteDeps = ChatRouteDeps & ModelsRouteDeps & UsageRouteDeps & { readonly logger: Logger };

export const GATEWAY_PREFIX = '/v1/';

/** Nothing a gateway route throws leaves it in the app's error shape: every door gets OpenAI's. */
const openAiShaped =
  (route: Route, logger: Logger): Route =>
  async (request) => {
    try {
      return await route(request);
    } catch (error) {
      return openAiErrorResponse(error, logger);
    }
  };

/** The OpenAI-compatible API (seed 003), door-independent like the product's own routes. */
export function gatewayRoutes(deps: GatewayRouteDeps): readonly ApiRoute[] {
  const shaped = (route: Route) => openAiShaped(route, deps.logger);
  return [
    { method: 'POST', path: '/v1/chat/completions', route: shaped(chatCompletionsRoute(deps)), bodyLimitBytes: deps.bodyLimitBytes },
    { method: 'GET', path: '/v1/models', route: shaped(modelsRoute(deps)) },
    { method: 'GET', path: '/v1/models/{model}', route: shaped(modelRoute(deps)) },
    { method: 'GET', path: '/v1/usage', route: shaped(usageRoute(deps)) },
  ];
}

/** For the Express door: its own 404, 405, 413 and 415 on `/v1/` paths in OpenAI's shape. */
export const gatewayErrorShape = (logger: Logger) => ({ prefix: GATEWAY_PREFIX, respond: (error: unknown) => openAiErrorResponse(error, logger) });

/**
 * The server's request listener: the gateway's own lean door for `/v1/` (ADR 0015), the Express app for the rest.
 * Without gateway routes (no key store bound) it is the Express app itself.
 */
export function withGatewayDoor(app: RequestListener, routes: readonly ApiRoute[], logger: Logger, bodyLimitBytes: number): RequestListener {
  const gateway = routes.filter((r) => r.path.startsWith(GATEWAY_PREFIX));
  if (gateway.length === 0) return app;
  return gatewayDoor({ routes: gateway, prefix: GATEWAY_PREFIX, fallback: app, errorResponse: (error) => openAiErrorResponse(error, logger), logger, bodyLimitBytes });
}
