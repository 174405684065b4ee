import 'reflect-metadata';
import type { Container } from 'inversify';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createLocalApp, type LocalApp } from '../../src/entrypoints/local/local-app';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import type { PoolBuilder } from '../../src/application/sayings/pool-builder';
import type { Logger, LogFields } from '../../src/ports/logger';
import { requestContext } from '../../src/adapters/logging/request-context';

export interface Harness {
  readonly local: LocalApp;
  readonly http: TestAgent;
  readonly logs: CapturedLog[];
  /** Waits until the background pool builds now running have finished. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface CapturedLog {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields | undefined;
  /** The request id bound where the line was logged (the one the production logger adds to it). */
  readonly requestId: string | undefined;
}

/** A logger that keeps lines in memory, so tests can assert on what was (and was not) logged. */
export function captureLogger(into: CapturedLog[]): Logger {
  const at = (level: string) => (message: string, fields?: LogFields) => void into.push({ level, message, fields, requestId: requestContext.getStore()?.requestId });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const FAST_ENV = {
  LOG_LEVEL: 'silent',
  OFFLINE_MIN_LATENCY_MS: '0',
  OFFLINE_MAX_LATENCY_MS: '5',
  VOTES_PER_MINUTE: '1000000',
} as const;

export async function startHarness(
  options: { env?: Record<string, string>; inMemory?: boolean; configure?: (c: Container) => void } = {},
): Promise<Harness> {
  const logs: CapturedLog[] = [];
  const local = await createLocalApp({
    env: { ...FAST_ENV, ...options.env },
    inMemory: options.inMemory ?? true,
    logger: captureLogger(logs),
    ...(options.configure ? { configure: options.configure } : {}),
  });
  const builder = local.container.get<PoolBuilder>(TOKENS.PoolBuilder);
  return {
    local,
    http: request(local.app),
    logs,
    settle: () => builder.settled(),
    close: () => local.close(),
  };
}
