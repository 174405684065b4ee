import * as z from 'zod';
import { REDIS_CLIENT_DEFAULTS } from '../../adapters/redis/redis-client';
import { MAX_BUFFER_BYTES } from '../../adapters/logging/log-buffer';
import { jobsAwsShape, jobsSharedShape } from './jobs-config';
import { keysAwsShape, keysLocalShape, keysSharedShape } from './keys-config';
import { chatAwsShape, chatShape } from './chat-config';
import { gatewayConfigShape } from './gateway-config';
import { modelOverridesSetting } from './model-overrides';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const regionList = z
  .string()
  .transform((v) => v.split(',').map((r) => r.trim()).filter((r) => r !== ''))
  .pipe(z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be AWS region names such as us-east-1' })).min(1));

/** Every setting both profiles read, with its default; validated once at start-up. */
const sharedShape = {
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** `npm start` and the worker: log lines gathered up to this many bytes (or 100 ms) per write; 0 writes each line. */
    LOG_BUFFER_BYTES: int(0, MAX_BUFFER_BYTES).default(4096),
    ALLOWED_ORIGINS: z.string().default(''),
    TRUST_PROXY: bool.default(false),
    BODY_LIMIT_BYTES: int(1024, 1_048_576).default(65_536),
    VOTES_PER_MINUTE: int(1, 1_000_000).default(60),
    /** Changes to the model catalog by key, as JSON (`model-overrides.ts`): a retired model id, a new price. */
    MODEL_OVERRIDES: modelOverridesSetting.optional(),
    POOL_MAX_SIZE: int(1, 10_000).default(48),
    POOL_REFILL_THRESHOLD: int(0, 10_000).default(8),
    LIVE_DEADLINE_MS: int(100, 28_000).default(8_000),
    COLLECTION_CACHE_TTL_MS: int(0, 3_600_000).default(300_000),
    OFFLINE_SEED: int(0, 2 ** 31 - 1).default(20251122),
    OFFLINE_MIN_LATENCY_MS: int(0, 60_000).default(150),
    OFFLINE_MAX_LATENCY_MS: int(0, 60_000).default(900),
    JOURNAL_FLUSH_MS: int(1, 10_000).default(200),
    OPENAI_BASE_URL: httpUrl
      .refine((u) => /\/v1\/?$/.test(new URL(u).pathname), { error: 'must end with /v1 (e.g. http://localhost:11434/v1)' })
      .optional(),
    ANTHROPIC_BASE_URL: httpUrl.optional(),
    BEDROCK_ENABLED: bool.default(false),
    BEDROCK_REGIONS: regionList.default(['us-east-1', 'us-west-2', 'ap-northeast-1']),
    BEDROCK_ENDPOINT: httpUrl.optional(),
    SECRETS_SOURCE: z.enum(['env', 'ssm']).default('env'),
    CLAUDE_PARAMETER_NAME: z.string().min(1).default('/api-key/anthropic'),
    OPENAI_PARAMETER_NAME: z.string().min(1).default('/api-key/openai'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** Shared cache and limits across processes; without it both stay in process. */
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
    ...jobsSharedShape,
    /** Every Redis key starts with it; default `cs:<APP_ENV>:` (`cs:local:` for npm start). */
    REDIS_KEY_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, { error: 'must be 1–64 of A-Z a-z 0-9 _ . : -' }).optional(),
    /** A Redis command slower than this fails; the adapters then bypass Redis and probe it again after 500 ms. */
    REDIS_COMMAND_TIMEOUT_MS: int(10, 10_000).default(REDIS_CLIENT_DEFAULTS.commandTimeoutMs),
    ...keysSharedShape,
    ...chatShape,
    ...gatewayConfigShape,
};

/** What a budget reservation must outlive beyond the gateway's whole call: the settlement's writes, clocks apart. */
export const RESERVATION_SLACK_MS = 60_000;

interface CrossChecked {
  readonly OFFLINE_MIN_LATENCY_MS: number;
  readonly OFFLINE_MAX_LATENCY_MS: number;
  readonly API_KEY_RESERVATION_TTL_MS: number;
  readonly GATEWAY_TIMEOUT_MS: number;
}

/** Settings that are each valid but not together, each reported on the variable to change. */
function crossCheck(c: CrossChecked, ctx: z.RefinementCtx): void {
  if (c.OFFLINE_MIN_LATENCY_MS > c.OFFLINE_MAX_LATENCY_MS) {
    ctx.addIssue({ code: 'custom', message: 'OFFLINE_MIN_LATENCY_MS must not exceed OFFLINE_MAX_LATENCY_MS', path: ['OFFLINE_MIN_LATENCY_MS'] });
  }
  // A reservation that expired while its call still ran could be reclaimed and its money lent to another request.
  if (c.API_KEY_RESERVATION_TTL_MS < c.GATEWAY_TIMEOUT_MS + RESERVATION_SLACK_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `must be at least GATEWAY_TIMEOUT_MS + ${RESERVATION_SLACK_MS} ms (${c.GATEWAY_TIMEOUT_MS + RESERVATION_SLACK_MS}): a budget reservation has to outlive the call it holds money for`,
      path: ['API_KEY_RESERVATION_TTL_MS'],
    });
  }
}

export const localConfigSchema = z.object({ ...sharedShape, ...keysLocalShape }).superRefine(crossCheck);

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)' });

/** The `aws` profile: the shared settings plus where its tables, cache and metrics live. */
export const awsConfigSchema = z
  .object({
    ...sharedShape,
    APP_ENV: z.enum(['dev', 'staging', 'prod']).default('dev'),
    SECRETS_SOURCE: z.enum(['env', 'ssm']).default('ssm'),
    SAYINGS_TABLE: tableName,
    FEEDBACK_TABLE: tableName,
    USAGE_TABLE: tableName,
    ...chatAwsShape,
    METRICS_NAMESPACE: z.string().min(1).max(255).default('CloudSayings'),
    DYNAMODB_ENDPOINT: httpUrl.optional(),
    ...jobsAwsShape,
    /**
     * A header that carries the client's address, set by a proxy in front (CloudFront: `cloudfront-viewer-address`,
     * `ip:port`). Unset: API Gateway's source IP. Believed only on requests that carry the proxy's origin secret
     * (`x-origin-verify`, ADR 0022), so it needs ORIGIN_SECRET_NAME (or ORIGIN_SECRET with SECRETS_SOURCE=env).
     */
    CLIENT_IP_HEADER: z.string().regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a lower-case header name' }).optional(),
    /** The Secrets Manager secret (its name) that CloudFront sends as `x-origin-verify`. */
    ORIGIN_SECRET_NAME: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { error: 'must be a Secrets Manager secret name' }).optional(),
    ...keysAwsShape,
  })
  .superRefine(crossCheck);

export type LocalConfig = z.infer<typeof localConfigSchema>;
export type AwsConfig = z.infer<typeof awsConfigSchema>;
/** What the use cases and providers need, whichever profile runs. */
export type AppConfig = LocalConfig;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment once; a bad value stops start-up with one message listing every problem. */
export function loadLocalConfig(env: Readonly<Record<string, string | undefined>>): LocalConfig {
  return parseConfig(localConfigSchema, env);
}

/** The aws profile's values: SSM's `/cloud-sayings/{env}/` parameters, overridden by the environment. */
export function loadAwsConfig(fromSsm: Readonly<Record<string, string | undefined>>, env: Readonly<Record<string, string | undefined>>): AwsConfig {
  return parseConfig(awsConfigSchema, { ...fromSsm, ...env });
}

function parseConfig<S extends z.ZodType<object> & { shape: Record<string, unknown> }>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const known = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export function parseOrigins(list: string): readonly string[] {
  return list.split(',').map((o) => o.trim()).filter((o) => o !== '');
}
