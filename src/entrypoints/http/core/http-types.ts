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
}

export type HttpResult = HttpResponse | HttpStreamResponse;

export const isStreamResponse = (r: HttpResult): r is HttpStreamResponse => 'stream' in r;

export type Route = (request: HttpRequest) => Promise<HttpResult>;
