import type { GetHealthUseCase } from '../../../application/get-health/get-health.use-case';
import type { Route } from '../core/http-types';

export const healthRoute =
  (getHealth: GetHealthUseCase): Route =>
  async () => {
    const health = await getHealth.execute();
    return { status: health.status === 'ok' ? 200 : 503, body: health };
  };
