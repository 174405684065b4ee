import pino, { type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../ports/logger';
import { redact, redactText } from './redact';
import { requestContext } from './request-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface PinoLoggerOptions {
  readonly level: LogLevel;
  readonly service: string;
  /** A stream to write to instead of stdout (tests). */
  readonly destination?: pino.DestinationStream;
}

/**
 * JSON lines, one per event, each with the current request id. Stdout is written asynchronously (lines
 * written while a write is in flight go out together), so logging never blocks the event loop on a slow
 * pipe; `flush()` drains it before exit.
 */
export class PinoLogger implements Logger {
  private readonly pino: Pino;
  private readonly stdout: ReturnType<typeof pino.destination> | undefined;

  constructor(options: PinoLoggerOptions) {
    this.stdout = options.destination ? undefined : pino.destination({ dest: 1, sync: false });
    this.pino = pino(
      {
        level: options.level,
        base: { service: options.service },
        timestamp: isoTimestamp,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const ctx = requestContext.getStore();
          return ctx ? { requestId: ctx.requestId } : {};
        },
      },
      options.destination ?? this.stdout,
    );
  }

  flush(): void {
    this.stdout?.flushSync();
  }

  debug(message: string, fields?: LogFields): void {
    if (this.pino.isLevelEnabled('debug')) this.pino.debug(safe(fields), redactText(message));
  }

  info(message: string, fields?: LogFields): void {
    if (this.pino.isLevelEnabled('info')) this.pino.info(safe(fields), redactText(message));
  }

  warn(message: string, fields?: LogFields): void {
    if (this.pino.isLevelEnabled('warn')) this.pino.warn(safe(fields), redactText(message));
  }

  error(message: string, fields?: LogFields): void {
    if (this.pino.isLevelEnabled('error')) this.pino.error(safe(fields), redactText(message));
  }
}

/**
 * pino's `isoTime`, formatted once a millisecond: a busy server writes several lines in each, and
 * `toISOString` was about 1 % of a gateway request's CPU (ADR 0015).
 */
let stampedMs = Number.NaN;
let stamp = '';
export function isoTimestamp(now = Date.now()): string {
  if (now !== stampedMs) {
    stampedMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

const safe = (fields: LogFields | undefined): object => (fields ? (redact(fields) as object) : {});
