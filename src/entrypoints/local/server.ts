import 'reflect-metadata';
import { join } from 'node:path';
import { createLocalApp } from './local-app';
import { failStart, serveUntilSignal } from './serve';

/** `npm start`: the local profile on one machine, no cloud account and no API keys needed. */
async function main(): Promise<void> {
  const local = await createLocalApp({ env: process.env, webDir: join(__dirname, '..', 'web') });
  serveUntilSignal(local, 'listening', { dataDir: local.config.DATA_DIR });
}

main().catch(failStart);
