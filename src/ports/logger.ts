export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logs; adapters redact secrets and add the request id of the current request. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
