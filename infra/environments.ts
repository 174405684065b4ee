import { Duration } from 'aws-cdk-lib';

/** The deployment environments; `APP_ENV` in the functions is one of these. */
export const ENV_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

export function isEnvName(value: unknown): value is EnvName {
  return typeof value === 'string' && (ENV_NAMES as readonly string[]).includes(value);
}

/** Everything that differs between environments. Each field is documented where it is used. */
export interface EnvironmentSettings {
  /** API Gateway stage throttling (steady requests/s, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Extra CORS origins besides the site's own (e.g. `http://localhost:3000` in dev). */
  readonly allowedOrigins: readonly string[];
  /** Serve `/sayings`, `/feedback`, `/stats`, `/health` through CloudFront (same origin as the pages). */
  readonly apiViaCloudFront: boolean;
  /** `BEDROCK_ENABLED` and the IAM grant for the catalog's Bedrock models. */
  readonly bedrockEnabled: boolean;
  /** `BEDROCK_REGIONS`, in priority order; the Bedrock grant covers exactly these regions. */
  readonly bedrockRegions: readonly string[];
  /** Alarm when the summed `Cost` metric (USD) in one hour exceeds this. */
  readonly hourlyCostAlarmUsd: number;
  /** Alarm when the API's p95 latency over 5 minutes exceeds this (3 periods out of 3). */
  readonly apiP95LatencyAlarm: Duration;
  /** Alarm when a function reports at least this many errors in 5 minutes. */
  readonly functionErrorsAlarm: number;
  /** Tables, the web bucket and log groups survive `cdk destroy` (and a replaced resource). */
  readonly retainData: boolean;
  /** Optional ElastiCache (Serverless, Redis-compatible) in a VPC of its own; off by default. */
  readonly redis: boolean;
  /** `LOG_LEVEL` of the functions (the Powertools logger's level). */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const COMMON = {
  bedrockRegions: ['us-east-1', 'us-west-2', 'ap-northeast-1'],
  apiViaCloudFront: true,
  redis: false,
} as const;

export const ENVIRONMENTS: Readonly<Record<EnvName, EnvironmentSettings>> = {
  dev: {
    ...COMMON,
    throttle: { rateLimit: 20, burstLimit: 40 },
    allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
    bedrockEnabled: false,
    hourlyCostAlarmUsd: 1,
    apiP95LatencyAlarm: Duration.seconds(10),
    functionErrorsAlarm: 5,
    retainData: false,
    logLevel: 'debug',
  },
  staging: {
    ...COMMON,
    throttle: { rateLimit: 50, burstLimit: 100 },
    allowedOrigins: [],
    bedrockEnabled: true,
    hourlyCostAlarmUsd: 2,
    apiP95LatencyAlarm: Duration.seconds(8),
    functionErrorsAlarm: 5,
    retainData: false,
    logLevel: 'info',
  },
  prod: {
    ...COMMON,
    throttle: { rateLimit: 200, burstLimit: 400 },
    allowedOrigins: [],
    bedrockEnabled: true,
    hourlyCostAlarmUsd: 5,
    apiP95LatencyAlarm: Duration.seconds(5),
    functionErrorsAlarm: 1,
    retainData: true,
    logLevel: 'info',
  },
};
