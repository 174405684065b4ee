import pino, { type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../ports/logger';
import { redact, redactText } from './redact';
import { requestContext } from './request-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** JSON lines on stdout (or a given stream), one per event, each with the current request id. */
export class PinoLogger implements Logger {
  private readonly pino: Pino;

  constructor(options: { level: LogLevel; service: string; destination?: pino.DestinationStream }) {
    this.pino = pino(
      {
        level: options.level,
        base: { service: options.service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const ctx = requestContext.getStore();
          return ctx ? { requestId: ctx.requestId } : {};
        },
      },
      options.destination,
    );
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

const safe = (fields: LogFields | undefined): object => (fields ? (redact(fields) as object) : {});
