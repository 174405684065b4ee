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
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON. */
  readonly body: unknown;
}

export type Route = (request: HttpRequest) => Promise<HttpResponse>;
