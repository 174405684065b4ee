import type { GetHealthUseCase } from '../../../application/get-health/get-health.use-case';
import type { GetSayingUseCase } from '../../../application/get-saying/get-saying.use-case';
import type { GetStatsUseCase } from '../../../application/get-stats/get-stats.use-case';
import type { SubmitFeedbackUseCase } from '../../../application/submit-feedback/submit-feedback.use-case';
import type { ModelCatalog } from '../../../domain/catalog/model-catalog';
import type { Route } from '../core/http-types';
import { feedbackRoute } from './feedback.route';
import { healthRoute } from './health.route';
import { sayingsRoute } from './sayings.route';
import { statsRoute } from './stats.route';

export interface ApiDeps {
  readonly getSaying: GetSayingUseCase;
  readonly submitFeedback: SubmitFeedbackUseCase;
  readonly getStats: GetStatsUseCase;
  readonly getHealth: GetHealthUseCase;
  readonly catalog: ModelCatalog;
  readonly bodyLimitBytes: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRoute {
  readonly method: HttpMethod;
  /** API Gateway's syntax for parameters: `/jobs/{id}`. Together with the method, the route key. */
  readonly path: string;
  readonly route: Route;
  /** This route's body limit, when it is not the app's `BODY_LIMIT_BYTES`. */
  readonly bodyLimitBytes?: number;
}

/** `GET /jobs/{id}`: how API Gateway names a route (`event.routeKey`) and how a handler finds it. */
export const routeKey = (r: Pick<ApiRoute, 'method' | 'path'>): string => `${r.method} ${r.path}`;

/** The product's API, door-independent: Express serves it locally, one Lambda per route in AWS. */
export function apiRoutes(deps: ApiDeps): readonly ApiRoute[] {
  return [
    { method: 'GET', path: '/sayings', route: sayingsRoute(deps.getSaying) },
    { method: 'POST', path: '/feedback', route: feedbackRoute(deps.submitFeedback, deps.bodyLimitBytes) },
    { method: 'GET', path: '/stats', route: statsRoute(deps.getStats, deps.catalog) },
    { method: 'GET', path: '/health', route: healthRoute(deps.getHealth) },
  ];
}
