import { createServer } from 'node:http';
import type { Express } from 'express';
import type { Container } from 'inversify';
import type { Logger, LogFields } from '../../ports/logger';
import { ConfigError, parseOrigins, type AppConfig } from '../config/app-config';
import { resolveRoutes } from '../container/routes';
import { createApp } from '../http/app';

/** The Express door over a built container, as both local commands run it. */
export function expressDoor(container: Container, config: AppConfig, logger: Logger, webDir: string | undefined): Express {
  return createApp({
    routes: resolveRoutes(container),
    logger,
    allowedOrigins: parseOrigins(config.ALLOWED_ORIGINS),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    ...(webDir === undefined ? {} : { webDir }),
  });
}

export interface Served {
  readonly app: Express;
  readonly config: Pick<AppConfig, 'PORT' | 'HOST'>;
  readonly logger: Logger;
  /** Waits for background work and releases what the process holds. */
  close(): Promise<void>;
  /** Called once the server listens (the local server then advertises its admin API to `npm run keys`). */
  onListening?(port: number): void;
}

/** Listens until SIGTERM/SIGINT, then stops taking requests, closes, and exits (0, or 1 after 10 s or a failure). */
export function serveUntilSignal(served: Served, listening: string, fields: LogFields = {}): void {
  const { app, config, logger } = served;
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info(listening, { url: `http://${config.HOST}:${port}`, ...fields });
    served.onListening?.(port);
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    void served
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** A start-up failure as one fatal JSON line on stderr, and exit 1. */
export function failStart(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(1);
}
