import { SSMClient } from '@aws-sdk/client-ssm';
import type { Container } from 'inversify';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PowertoolsLogger, type PowertoolsLevel } from '../../adapters/aws/observability/powertools-logger';
import { SsmSecretStore } from '../../adapters/aws/ssm-secret-store';
import { EnvironmentSecretStore } from '../../adapters/secrets/environment-secret-store';
import type { MetricsSink } from '../../ports/metrics-sink';
import { ConfigError, loadAwsConfig, type AwsConfig } from '../config/app-config';
import { buildAwsContainer } from '../container/aws-container';
import { TOKENS } from '../container/tokens';
import { resolveRoutes } from '../container/routes';
import { HttpError } from '../http/http-error';
import type { ApiRoute } from '../http/routes/api-routes';
import { ORIGIN_SECRET, ViewerAddress } from './viewer-address';

export interface AwsRuntime {
  readonly config: AwsConfig;
  /** For handlers that serve no route (the deploy-time seed, queue consumers). */
  readonly container: Container;
  readonly routes: readonly ApiRoute[];
  readonly logger: PowertoolsLogger;
  readonly metrics: MetricsSink;
  /** Behind CloudFront (CLIENT_IP_HEADER): the client's address for requests that came through it. */
  readonly viewerAddress: ViewerAddress | undefined;
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
  const viewerAddress = viewerAddressFor(config, env, logger);
  return { config, container, routes, logger, metrics: container.get<MetricsSink>(TOKENS.MetricsSink), viewerAddress };
}

/**
 * CLIENT_IP_HEADER is trusted only on requests carrying CloudFront's origin secret (ADR 0022): on AWS the secret
 * is read from Secrets Manager through SSM's `/aws/reference/secretsmanager/` path (cached five minutes, so a
 * rotated value is picked up without a cold start); with SECRETS_SOURCE=env, from ORIGIN_SECRET. A header
 * without a secret to check it against is a configuration error, not a header to believe.
 */
function viewerAddressFor(config: AwsConfig, env: Readonly<Record<string, string | undefined>>, logger: PowertoolsLogger): ViewerAddress | undefined {
  const header = config.CLIENT_IP_HEADER;
  if (header === undefined) return undefined;
  if (config.SECRETS_SOURCE === 'env') {
    if (!env[ORIGIN_SECRET]) throw new ConfigError(`CLIENT_IP_HEADER is set but ${ORIGIN_SECRET} is not: the header would be believed from anyone`);
    return new ViewerAddress(header, new EnvironmentSecretStore(env, [ORIGIN_SECRET]), logger);
  }
  if (config.ORIGIN_SECRET_NAME === undefined) throw new ConfigError('CLIENT_IP_HEADER is set but ORIGIN_SECRET_NAME is not: the header would be believed from anyone');
  const store = new SsmSecretStore({
    client: ssmClient(config.AWS_REGION),
    parameterNames: { [ORIGIN_SECRET]: `/aws/reference/secretsmanager/${config.ORIGIN_SECRET_NAME}` },
    ttlMs: 300_000,
  });
  return new ViewerAddress(header, store, logger);
}

/** Two attempts and short timeouts: an SSM outage fails a cold start within seconds (FAULTS #14). */
function ssmClient(region: string | undefined): SSMClient {
  return new SSMClient({ ...(region ? { region } : {}), maxAttempts: 2, requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }) });
}

/** Every parameter under the path, decrypted, named by what follows the path (e.g. `VOTES_PER_MINUTE`). */
async function readConfigPath(path: string, region: string | undefined): Promise<Record<string, string>> {
  const values = await new SSMProvider({ awsSdkV3Client: ssmClient(region) }).getMultiple(path, { decrypt: true, recursive: false, maxAge: 300 });
  return Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
