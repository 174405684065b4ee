import 'reflect-metadata';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ConfigError } from '../config/app-config';
import { createLocalApp } from './local-app';
import { loopbackUrl } from './local-key-store';

/** `npm start`: the local profile on one machine, no cloud account and no API keys needed. */
async function main(): Promise<void> {
  const local = await createLocalApp({ env: process.env, webDir: join(__dirname, '..', 'web') });
  const server = createServer(local.app);
  server.keepAliveTimeout = 65_000;
  server.listen(local.config.PORT, local.config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : local.config.PORT;
    local.logger.info('listening', { url: `http://${local.config.HOST}:${port}`, dataDir: local.config.DATA_DIR });
    local.advertiseAdmin(loopbackUrl(local.config.HOST, port));
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    local.logger.info('shutting down', { signal });
    server.close();
    server.closeIdleConnections();
    void local
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `start-up failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message })}\n`);
  process.exit(1);
});
