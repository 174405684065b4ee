import { routeAt, routeHandler } from './api-gateway';
import { startAwsRuntime } from './aws-runtime';

/** `GET /stats` on API Gateway HTTP API (payload v2). */
export const handler = routeHandler(routeAt('GET', '/stats'));

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
