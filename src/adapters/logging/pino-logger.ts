import pino, { type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../ports/logger';
import { LINE_WAIT_MS, MAX_BUFFER_BYTES } from './log-buffer';
import { redact, redactText } from './redact';
import { requestContext } from './request-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface PinoLoggerOptions {
  readonly level: LogLevel;
  readonly service: string;
  /** A stream to write to instead of stdout (tests). */
  readonly destination?: pino.DestinationStream;
  /**
   * Lines are held until this many bytes are waiting (or `LINE_WAIT_MS` has passed), then written in one call;
   * 0 writes every line as it is logged. Only for stdout, not for `destination`.
   */
  readonly bufferBytes?: number;
}

/**
 * Stdout (or `dest`, a file in tests) through sonic-boom, asynchronously. With `bufferBytes` lines are gathered and
 * written together once that many bytes wait, or `waitMs` after the first: one write and one thread-pool round trip
 * for many lines instead of one a line, 4–10 % of a gateway request's CPU under load (ADR 0015). pino writes
 * what is waiting when the process exits, and `flush()` before a planned stop; a process killed outright loses at
 * most `waitMs` of lines.
 */
export function stdoutDestination({ bufferBytes, waitMs = LINE_WAIT_MS, dest = 1 }: { bufferBytes: number; waitMs?: number; dest?: number | string }): ReturnType<typeof pino.destination> {
  if (!Number.isInteger(bufferBytes) || bufferBytes < 0 || bufferBytes > MAX_BUFFER_BYTES) {
    throw new RangeError(`bufferBytes must be an integer from 0 to ${MAX_BUFFER_BYTES}, got ${bufferBytes}`);
  }
  return bufferBytes === 0
    ? pino.destination({ dest, sync: false })
    : pino.destination({ dest, sync: false, minLength: bufferBytes, periodicFlush: waitMs });
}

/**
 * JSON lines, one per event, each with the current request id. Stdout is written asynchronously (lines
 * written while a write is in flight go out together, and with `bufferBytes` lines wait to be written in
 * batches), so logging never blocks the event loop on a slow pipe; `flush()` drains it before exit.
 */
export class PinoLogger implements Logger {
  private readonly pino: Pino;
  private readonly stdout: ReturnType<typeof pino.destination> | undefined;

  constructor(options: PinoLoggerOptions) {
    this.stdout = options.destination ? undefined : stdoutDestination({ bufferBytes: options.bufferBytes ?? 0 });
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
