import { HttpError } from '../http-error';
import type { ApiRoute } from '../routes/api-routes';
import type { Route } from './http-types';

export interface MatchedRoute {
  readonly route: Route;
  /** The route's body limit, or the default. */
  readonly limitBytes: number;
  /** `{name}` path segments, URL-decoded. */
  readonly params: Record<string, string>;
}

/**
 * Finds a route by method and path for doors that route themselves (the gateway's node:http door, its Lambda
 * function URL): exact paths by map lookup, `{name}` segments by comparison. A path that exists under other
 * methods is a 405 with `Allow`, an unknown path a 404 — both thrown as HttpErrors, for the door's error shape.
 * HEAD is served by a path's GET route, as HTTP (and Express) has it; node:http then sends the head alone.
 */
export function routeMatcher(routes: readonly ApiRoute[], defaultLimitBytes: number): (method: string, path: string) => MatchedRoute {
  const exact = new Map<string, Map<string, { route: Route; limitBytes: number }>>();
  const patterns: { method: string; segments: readonly string[]; route: Route; limitBytes: number }[] = [];
  for (const r of routes) {
    const entry = { route: r.route, limitBytes: r.bodyLimitBytes ?? defaultLimitBytes };
    if (r.path.includes('{')) patterns.push({ method: r.method, segments: r.path.split('/'), ...entry });
    else exact.set(r.path, (exact.get(r.path) ?? new Map<string, { route: Route; limitBytes: number }>()).set(r.method, entry));
  }

  const notAllowed = (method: string, allow: readonly string[]) =>
    new HttpError(405, 'method_not_allowed', `${method.slice(0, 16)} is not supported here; use ${allow.join(' or ')}.`, undefined, { Allow: allow.join(', ') });

  return (method, path) => {
    const methods = exact.get(path);
    if (methods) {
      const found = methods.get(method) ?? (method === 'HEAD' ? methods.get('GET') : undefined);
      if (!found) throw notAllowed(method, [...methods.keys()]);
      return { ...found, params: {} };
    }
    const parts = path.split('/');
    const allow: string[] = [];
    for (const p of patterns) {
      if (p.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const fits = p.segments.every((segment, i) => {
        const part = parts[i] ?? '';
        if (!segment.startsWith('{')) return segment === part;
        params[segment.slice(1, -1)] = safeDecode(part);
        return part !== '';
      });
      if (!fits) continue;
      if (p.method === method || (method === 'HEAD' && p.method === 'GET')) return { route: p.route, limitBytes: p.limitBytes, params };
      allow.push(p.method);
    }
    if (allow.length > 0) throw notAllowed(method, allow);
    throw new HttpError(404, 'not_found', 'No such endpoint; the gateway serves POST /v1/chat/completions, GET /v1/models and GET /v1/usage.');
  };
}

export function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
