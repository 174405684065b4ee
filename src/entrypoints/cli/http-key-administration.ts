import type { CreateOptions, KeyAdminFailure, KeyAdministration, ListOptions, RotateOptions } from '../../application/keys/key-administration';
import type { CreatedKeyView, IssuedKeyView, KeyListView, KeyView, NewKeyView } from '../../application/keys/key-view';
import type { KeySpecInput } from '../../domain/keys/key-spec';
import { err, ok, type Result } from '../../domain/shared/result';

/** A failure of the server or the connection, not of the request: the CLI exits 1 with its message. */
export class RemoteAdminError extends Error {
  override readonly name = 'RemoteAdminError';
}

type Fetch = typeof fetch;

/**
 * Key management through a running local server's admin API (ADR 0013): while `npm start` owns the data folder,
 * the CLI asks it to run the use cases instead of writing the files under it. Only loopback URLs are used, so
 * the admin token is never sent off the machine, whatever the lock file says.
 */
export class HttpKeyAdministration implements KeyAdministration {
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    this.base = new URL(baseUrl);
    if (this.base.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(this.base.hostname)) {
      throw new RemoteAdminError(`refusing to send the admin token to ${this.base.origin}: only a server on this machine is used`);
    }
  }

  create(principal: unknown, input: KeySpecInput): Promise<Result<NewKeyView, KeyAdminFailure>>;
  create(principal: unknown, input: KeySpecInput, options: CreateOptions): Promise<Result<CreatedKeyView, KeyAdminFailure>>;
  create(_principal: unknown, input: KeySpecInput, options: CreateOptions = {}): Promise<Result<CreatedKeyView, KeyAdminFailure>> {
    const headers: Record<string, string> = options.idempotencyKey === undefined ? {} : { 'Idempotency-Key': options.idempotencyKey };
    return this.call<CreatedKeyView>('POST', '/admin/keys', input, headers);
  }

  list(_principal: unknown, options: ListOptions = {}): Promise<Result<KeyListView, KeyAdminFailure>> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.after !== undefined) query.set('after', options.after);
    return this.call<KeyListView>('GET', `/admin/keys${query.size > 0 ? `?${query}` : ''}`);
  }

  show(_principal: unknown, id: string): Promise<Result<KeyView, KeyAdminFailure>> {
    return this.call<KeyView>('GET', `/admin/keys/${encodeURIComponent(id)}`);
  }

  revoke(_principal: unknown, id: string): Promise<Result<KeyView, KeyAdminFailure>> {
    return this.call<KeyView>('POST', `/admin/keys/${encodeURIComponent(id)}/revoke`);
  }

  rotate(_principal: unknown, id: string, options: RotateOptions): Promise<Result<IssuedKeyView, KeyAdminFailure>> {
    const body = options.graceMs === undefined ? undefined : { graceSeconds: Math.round(options.graceMs / 1000) };
    return this.call<IssuedKeyView>('POST', `/admin/keys/${encodeURIComponent(id)}/rotate`, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Result<T, KeyAdminFailure>> {
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(path, this.base), {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...extraHeaders },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new RemoteAdminError(`the server at ${this.base.origin} did not answer (${error instanceof Error ? error.name : 'error'})`);
    }
    const payload = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
    if (response.ok && payload !== undefined) return ok(payload as T);
    const code = payload?.error?.code;
    const message = payload?.error?.message ?? `the server answered ${response.status}`;
    if (code === 'invalid_request') return err({ code, message, details: Array.isArray(payload?.error?.details) ? payload.error.details : [] });
    if (code === 'key_not_found' || code === 'key_revoked' || code === 'key_expired' || code === 'idempotency_key_reused') return err({ code, message });
    if (response.status === 401 || response.status === 403) {
      throw new RemoteAdminError(`the server refused the admin token (${message}); set ADMIN_TOKEN to the server's token`);
    }
    throw new RemoteAdminError(`the server answered ${response.status}: ${message}`);
  }
}
