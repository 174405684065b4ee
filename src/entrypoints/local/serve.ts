import { createServer, type RequestListener } from 'node:http';
import type { Express } from 'express';
import type { Container } from 'inversify';
import type { Logger, LogFields } from '../../ports/logger';
import { ConfigError, parseOrigins, type AppConfig } from '../config/app-config';
import { resolveRoutes } from '../container/routes';
import { createApp } from '../http/app';
import { gatewayErrorShape, withGatewayDoor } from '../http/routes/gateway/gateway-routes';

/** The Express door over a built container, as both local commands run it. */
export function expressDoor(container: Container, config: AppConfig, logger: Logger, webDir: string | undefined): Express {
  return doors(container, config, logger, webDir).app;
}

/**
 * Both doors over a built container: the Express app, and the server's listener — the gateway's own lean door for
 * `/v1/` in front of Express when the gateway is mounted (ADR 0015), else Express itself.
 */
export function doors(container: Container, config: AppConfig, logger: Logger, webDir: string | undefined): { app: Express; listener: RequestListener } {
  const routes = resolveRoutes(container);
  const app = createApp({
    routes,
    logger,
    allowedOrigins: parseOrigins(config.ALLOWED_ORIGINS),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    errorShapes: [gatewayErrorShape(logger)],
    ...(webDir === undefined ? {} : { webDir }),
  });
  return { app, listener: withGatewayDoor(app, routes, logger, config.GATEWAY_BODY_LIMIT_BYTES) };
}

export interface Served {
  readonly app: Express;
  /** What the server runs, when not the Express app alone (see `doors`). */
  readonly listener?: RequestListener;
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
  const server = createServer(served.listener ?? app);
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
