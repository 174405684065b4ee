import type { Container } from 'inversify';
import type { AppConfig } from '../config/app-config';
import { apiRoutes, type ApiRoute } from '../http/routes/api-routes';
import { jobRoutes } from '../http/routes/jobs/jobs.routes';
import { hasJobs } from './jobs-bindings';
import { resolveKeyRoutes } from './keys-bindings';
import { chatRoutesFrom } from './chat-bindings';
import { resolveGatewayRoutes } from './gateway-bindings';
import { TOKENS as T } from './tokens';

/**
 * Every HTTP route of the product, resolved from a built container: the one list both doors serve
 * (Express locally, one Lambda per route or route group in AWS). A feature adds its routes here.
 */
export function resolveRoutes(c: Container): readonly ApiRoute[] {
  const config = c.get<AppConfig>(T.Config);
  return [
    ...apiRoutes({
      getSaying: c.get(T.GetSaying),
      submitFeedback: c.get(T.SubmitFeedback),
      getStats: c.get(T.GetStats),
      getHealth: c.get(T.GetHealth),
      catalog: c.get(T.Catalog),
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
    }),
    ...(hasJobs(c) ? jobRoutes({ submitJob: c.get(T.SubmitJob), getJob: c.get(T.GetJob), bodyLimitBytes: config.BODY_LIMIT_BYTES }) : []),
    ...resolveKeyRoutes(c),
    ...chatRoutesFrom(c),
    ...resolveGatewayRoutes(c),
  ];
}
