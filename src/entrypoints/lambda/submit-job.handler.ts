import { routeAt, routeHandler } from './api-gateway';
import { startAwsRuntime } from './aws-runtime';

/** `POST /jobs` on API Gateway HTTP API (payload v2). */
export const handler = routeHandler(routeAt('POST', '/jobs'));

/** The cold-start work, started at module load so it overlaps Lambda's init phase. */
export const ready = startAwsRuntime();
