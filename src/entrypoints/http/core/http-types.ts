/** A request as every HTTP door (Express locally, API Gateway on Lambda) hands it to a route. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Path parameters of the matched route (`/jobs/{id}` → `{ id }`), already URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Repeated parameters arrive as arrays, so validation can refuse them. */
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, unparsed: routes decide how to read it. */
  readonly body: Buffer | undefined;
  readonly clientIp: string;
  /** Aborted when the client goes away before the response is complete (doors that can tell). */
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON. */
  readonly body: unknown;
  /**
   * Work the route left running after its answer (never rejects). A long-running server lets it finish on its
   * own; a door whose process may freeze once it answers (Lambda) awaits it before returning.
   */
  readonly after?: Promise<unknown>;
}

/**
 * A response written piece by piece as it is produced (server-sent events). A door writes each piece as it
 * arrives — never collecting them — and stops reading, with `request.signal` aborted, when the client leaves.
 * A door that cannot stream (API Gateway's buffered Lambda integration) sends the pieces together at the end.
 */
export interface HttpStreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly stream: AsyncIterable<string>;
  /**
   * Work the stream leaves running once it has ended (never rejects; pending until the stream is read to its end
   * or closed). A door whose process may freeze once it answers (Lambda) awaits it after ending the response.
   */
  readonly after?: Promise<unknown>;
}

export type HttpResult = HttpResponse | HttpStreamResponse;

export const isStreamResponse = (r: HttpResult): r is HttpStreamResponse => 'stream' in r;

export type Route = (request: HttpRequest) => Promise<HttpResult>;

/**
 * A query string as `HttpRequest.query`: repeated parameters become arrays, as Express gives them. The object has
 * no prototype, so `__proto__` or `constructor` is a parameter like any other — an unknown one, to validation —
 * and cannot replace the object's prototype.
 */
export function parseQuery(text: string): Record<string, string | string[]> {
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = query[key];
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}
