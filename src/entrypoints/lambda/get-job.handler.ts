import { routeAt, routeHandler } from './api-gateway';
import { startAwsRuntime } from './aws-runtime';

/** `GET /jobs/{id}` on API Gateway HTTP API (payload v2). */
export const handler = routeHandler(routeAt('GET', '/jobs/{id}'));

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
