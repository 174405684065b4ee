import type { AdminAuthenticator } from '../../../../application/keys/admin-authenticator';
import type { KeyAdminFailure, KeyAdministration } from '../../../../application/keys/key-administration';
import type { Result } from '../../../../domain/shared/result';
import { readJsonBody } from '../../core/json-body';
import type { HttpRequest, HttpResponse, Route } from '../../core/http-types';
import { HttpError } from '../../http-error';
import { idempotencyKeyOf, parseOr400 } from '../../validation';
import type { ApiRoute } from '../api-routes';
import { requireAdmin } from './admin-auth';
import { createKeyBodySchema, keyIdSchema, listKeysQuerySchema, rotateKeyBodySchema, toKeySpecInput } from './admin-keys-schema';

export interface AdminKeyDeps {
  readonly admin: KeyAdministration;
  readonly auth: AdminAuthenticator;
  readonly bodyLimitBytes: number;
}

/** Every admin answer: keys (and once, a key's secret) must not sit in a cache. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** The admin API for keys (ADR 0012): every route authenticates first, then validates, then calls the use case. */
export function adminKeyRoutes(deps: AdminKeyDeps): readonly ApiRoute[] {
  const { admin, auth } = deps;
  const guarded = (handle: (request: HttpRequest, principal: Awaited<ReturnType<typeof requireAdmin>>) => Promise<HttpResponse>): Route =>
    async (request) => handle(request, await requireAdmin(auth, request));
  const idOf = (request: HttpRequest) => parseOr400(keyIdSchema, request.params.id, 'key id');

  return [
    {
      method: 'POST',
      path: '/admin/keys',
      route: guarded(async (request, principal) => {
        const body = parseOr400(createKeyBodySchema, readJsonBody(request, deps.bodyLimitBytes), 'key');
        const idempotencyKey = idempotencyKeyOf(request);
        const created = answer(await admin.create(principal, toKeySpecInput(body), { idempotencyKey }));
        const location = { Location: `/admin/keys/${created.id}` };
        // A retry with the same Idempotency-Key: the key the first request made, without its value (never stored).
        if (created.replayed) return { status: 200, headers: { ...NO_STORE, ...location, 'Idempotent-Replayed': 'true' }, body: created };
        return { status: 201, headers: { ...NO_STORE, ...location }, body: created };
      }),
    },
    {
      method: 'GET',
      path: '/admin/keys',
      route: guarded(async (request, principal) => {
        const query = parseOr400(listKeysQuerySchema, request.query, 'query');
        return { status: 200, headers: NO_STORE, body: answer(await admin.list(principal, query)) };
      }),
    },
    {
      method: 'GET',
      path: '/admin/keys/{id}',
      route: guarded(async (request, principal) => ({ status: 200, headers: NO_STORE, body: answer(await admin.show(principal, idOf(request))) })),
    },
    {
      method: 'POST',
      path: '/admin/keys/{id}/revoke',
      route: guarded(async (request, principal) => ({ status: 200, headers: NO_STORE, body: answer(await admin.revoke(principal, idOf(request))) })),
    },
    {
      method: 'POST',
      path: '/admin/keys/{id}/rotate',
      route: guarded(async (request, principal) => {
        const id = idOf(request);
        // The body is optional; when sent it must be JSON like any other.
        const raw = request.body === undefined || request.body.length === 0 ? {} : readJsonBody(request, deps.bodyLimitBytes);
        const body = parseOr400(rotateKeyBodySchema, raw, 'rotation');
        const graceMs = body.graceSeconds === undefined ? undefined : body.graceSeconds * 1000;
        return { status: 201, headers: NO_STORE, body: answer(await admin.rotate(principal, id, { graceMs })) };
      }),
    },
  ];
}

/** The route keys of the admin API, for the one Lambda function that serves them all. */
export const ADMIN_KEY_ROUTE_KEYS: readonly string[] = [
  'POST /admin/keys',
  'GET /admin/keys',
  'GET /admin/keys/{id}',
  'POST /admin/keys/{id}/revoke',
  'POST /admin/keys/{id}/rotate',
];

function answer<T>(result: Result<T, KeyAdminFailure>): T {
  if (result.ok) return result.value;
  const failure = result.error;
  switch (failure.code) {
    case 'invalid_request':
      throw new HttpError(400, failure.code, failure.message, failure.details);
    case 'key_not_found':
      throw new HttpError(404, failure.code, failure.message);
    case 'key_revoked':
    case 'key_expired':
    case 'idempotency_key_reused':
      throw new HttpError(409, failure.code, failure.message);
  }
}
