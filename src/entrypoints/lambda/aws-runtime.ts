import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Container } from 'inversify';
import { PowertoolsLogger, type PowertoolsLevel } from '../../adapters/aws/observability/powertools-logger';
import type { MetricsSink } from '../../ports/metrics-sink';
import { loadAwsConfig, type AwsConfig } from '../config/app-config';
import { buildAwsContainer } from '../container/aws-container';
import { TOKENS } from '../container/tokens';
import { resolveRoutes } from '../container/routes';
import type { ApiRoute } from '../http/routes/api-routes';

export interface AwsRuntime {
  readonly config: AwsConfig;
  readonly routes: readonly ApiRoute[];
  readonly logger: PowertoolsLogger;
  readonly metrics: MetricsSink;
  /** For handlers that are not routes (the SQS consumer). */
  readonly container: Container;
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

async function buildRuntime(env: Readonly<Record<string, string | undefined>>): Promise<AwsRuntime> {
  const level = (env.LOG_LEVEL ?? 'info').toUpperCase() as PowertoolsLevel;
  const logger = PowertoolsLogger.create(env.POWERTOOLS_SERVICE_NAME ?? 'cloud-sayings', level);
  const appEnv = env.APP_ENV ?? 'dev';
  const fromSsm = env.CONFIG_SOURCE === 'env' ? {} : await readConfigPath(`/cloud-sayings/${appEnv}/`, env.AWS_REGION);
  const config = loadAwsConfig(fromSsm, env);
  const container = buildAwsContainer({ config, env, logger });
  const routes = resolveRoutes(container);
  return { config, routes, logger, metrics: container.get<MetricsSink>(TOKENS.MetricsSink), container };
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
