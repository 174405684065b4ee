import { Logger as Powertools } from '@aws-lambda-powertools/logger';
import type { LogFields, Logger } from '../../../ports/logger';
import { redact, redactText } from '../../logging/redact';
import { requestContext } from '../../logging/request-context';

export type PowertoolsLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/**
 * Lambda's structured logs through Powertools Logger (cold start flag, function name, X-Ray trace id),
 * with the same redaction as the local logger and the current request id on every line.
 */
export class PowertoolsLogger implements Logger {
  constructor(private readonly powertools: Powertools) {}

  static create(serviceName: string, level: PowertoolsLevel): PowertoolsLogger {
    return new PowertoolsLogger(new Powertools({ serviceName, logLevel: level }));
  }

  /** Adds the Lambda context (request id, function, cold start) to every line of this invocation. */
  addContext(context: Parameters<Powertools['addContext']>[0]): void {
    this.powertools.addContext(context);
  }

  debug(message: string, fields?: LogFields): void {
    this.powertools.debug(redactText(message), this.extra(fields));
  }

  info(message: string, fields?: LogFields): void {
    this.powertools.info(redactText(message), this.extra(fields));
  }

  warn(message: string, fields?: LogFields): void {
    this.powertools.warn(redactText(message), this.extra(fields));
  }

  error(message: string, fields?: LogFields): void {
    this.powertools.error(redactText(message), this.extra(fields));
  }

  private extra(fields: LogFields | undefined): Record<string, unknown> {
    const ctx = requestContext.getStore();
    return { ...(fields ? (redact(fields) as Record<string, unknown>) : {}), ...(ctx ? { requestId: ctx.requestId } : {}) };
  }
}
