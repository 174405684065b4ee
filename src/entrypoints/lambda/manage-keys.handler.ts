import { ADMIN_KEY_ROUTE_KEYS } from '../http/routes/keys/admin-keys.routes';
import { routeByKey, routeHandler } from './api-gateway';
import { startAwsRuntime } from './aws-runtime';

/** The admin API for gateway keys (`/admin/keys…`, five routes) on API Gateway HTTP API (payload v2). */
export const handler = routeHandler(routeByKey(ADMIN_KEY_ROUTE_KEYS));

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
