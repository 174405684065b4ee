import { SSMClient } from '@aws-sdk/client-ssm';
import type { Container } from 'inversify';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PowertoolsLogger, type PowertoolsLevel } from '../../adapters/aws/observability/powertools-logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { loadAwsConfig, type AwsConfig } from '../config/app-config';
import { buildAwsContainer } from '../container/aws-container';
import { TOKENS } from '../container/tokens';
import { resolveRoutes } from '../container/routes';
import { HttpError } from '../http/http-error';
import type { ApiRoute } from '../http/routes/api-routes';

export interface AwsRuntime {
  readonly config: AwsConfig;
  /** For handlers that serve no route (the deploy-time seed, queue consumers). */
  readonly container: Container;
  readonly routes: readonly ApiRoute[];
  readonly logger: PowertoolsLogger;
  readonly metrics: MetricsSink;
}

let pending: Promise<AwsRuntime> | undefined;

/**
 * Built once per cold start and shared by every invocation. A failed start (SSM unreachable, a bad
 * value) is not cached: the next invocation tries again instead of the container crash-looping.
 */
export function awsRuntime(env: Readonly<Record<string, string | undefined>> = process.env): Promise<AwsRuntime> {
  pending ??= buildRuntime(env).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/**
 * Starts the cold-start work at module load, so it overlaps Lambda's init phase. A failure here must not be an
 * unhandled rejection — that would kill the process at init, a crash loop with no response; the first
 * invocation awaits the runtime again instead and answers with the API's error shape.
 */
export function startAwsRuntime(): Promise<AwsRuntime> {
  const started = awsRuntime();
  started.catch(() => undefined);
  return started;
}

async function buildRuntime(env: Readonly<Record<string, string | undefined>>): Promise<AwsRuntime> {
  const level = (env.LOG_LEVEL ?? 'info').toUpperCase() as PowertoolsLevel;
  const logger = PowertoolsLogger.create(env.POWERTOOLS_SERVICE_NAME ?? 'cloud-sayings', level);
  const appEnv = env.APP_ENV ?? 'dev';
  const fromSsm = env.CONFIG_SOURCE === 'env' ? {} : await readConfigPath(`/cloud-sayings/${appEnv}/`, env.AWS_REGION).catch((cause: unknown) => {
    // FAULTS #14: SSM unreachable at a cold start is a fast, retryable 503 — not a crash, not a cached failure.
    logger.error('configuration unreadable: SSM GetParametersByPath failed', { path: `/cloud-sayings/${appEnv}/`, error: cause instanceof Error ? cause.name : 'unknown' });
    throw new HttpError(503, 'service_unavailable', 'The service cannot read its configuration right now; try again shortly.', undefined, { 'Retry-After': '5' });
  });
  const config = loadAwsConfig(fromSsm, env);
  const container = buildAwsContainer({ config, env, logger });
  const routes = resolveRoutes(container);
  return { config, container, routes, logger, metrics: container.get<MetricsSink>(TOKENS.MetricsSink) };
}

/** Every parameter under the path, decrypted, named by what follows the path (e.g. `VOTES_PER_MINUTE`). */
async function readConfigPath(path: string, region: string | undefined): Promise<Record<string, string>> {
  const client = new SSMClient({
    ...(region ? { region } : {}),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
  });
  const values = await new SSMProvider({ awsSdkV3Client: client }).getMultiple(path, { decrypt: true, recursive: false, maxAge: 300 });
  return Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
