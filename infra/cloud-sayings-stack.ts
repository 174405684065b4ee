import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLES, TABLE_LOGICAL_NAMES, type TableLogicalName } from '../src/adapters/aws/dynamodb/table-design';
import { buildCatalog } from '../src/domain/catalog/model-catalog';
import { modelOverridesSetting } from '../src/entrypoints/config/model-overrides';
import { ApiFunction } from './constructs/api-function';
import { JobQueues } from './constructs/job-queues';
import { CollectionSeed } from './constructs/collection-seed';
import { GatewayFunction } from './constructs/gateway-function';
import { Monitoring } from './constructs/monitoring';
import { RedisCache } from './constructs/redis-cache';
import { Tables } from './constructs/tables';
import { WebSite } from './constructs/web-site';
import { ENVIRONMENTS, type EnvName, type EnvironmentSettings } from './environments';
import { FUNCTION_SPECS, isRouteSpec, routesOf, TABLE_ENV_VARS, type FunctionSpec } from './functions';
import {
  bedrockStatement,
  decryptViaSsmStatement,
  putMetricDataStatement,
  readAdminTokenStatement,
  readConfigStatement,
  readKeysStatement,
  readOriginSecretStatements,
  tableStatement,
} from './permissions';

export interface CloudSayingsStackProps extends StackProps {
  readonly envName: EnvName;
  /** Overrides of the environment's settings (`environments.ts`). */
  readonly settings?: Partial<EnvironmentSettings>;
  /** Folder with `<function>/index.js` per function: `dist/lambda` after `npm run build`. */
  readonly bundleDir: string;
  /** The built pages (`dist/web`); when missing only `config.json` is deployed. */
  readonly webDir?: string;
  /** CloudWatch namespace of the application's metrics (`METRICS_NAMESPACE`). */
  readonly metricsNamespace?: string;
  /**
   * Grant `cloudwatch:PutMetricData` (namespace-conditioned). Off: the metrics are Embedded Metric Format
   * log lines, which need no CloudWatch permission at all.
   */
  readonly grantPutMetricData?: boolean;
  /** The customer-managed KMS key of the SecureStrings, if not the default `aws/ssm` key. */
  readonly secretsKmsKeyArn?: string;
  /** Subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /**
   * Which origin secret CloudFront and the API share (default 1). A new number replaces the secret with a freshly
   * generated one and moves the distribution and the functions to it in one deployment (docs/deploy.md).
   */
  readonly originSecretGeneration?: number;
  /**
   * `MODEL_OVERRIDES` (JSON, `src/entrypoints/config/model-overrides.ts`) for every function, and the catalog the
   * Bedrock grant is computed from — so a Bedrock model id changed here is also one the functions may call.
   */
  readonly modelOverrides?: string;
}

/** Where a deployment's configuration and secrets live in SSM Parameter Store (names only — never values). */
export function parameterNames(envName: EnvName): {
  readonly configPath: string;
  readonly anthropicKey: string;
  readonly openaiKey: string;
  readonly adminToken: string;
} {
  const configPath = `/cloud-sayings/${envName}/`;
  // One level below the path, like the provider keys: the configuration loader (not recursive) never reads it.
  return { configPath, anthropicKey: `${configPath}api-key/anthropic`, openaiKey: `${configPath}api-key/openai`, adminToken: `${configPath}admin/token` };
}

/**
 * One deployment of Cloud Sayings (dev, staging or prod): the HTTP API and its four functions, the
 * DynamoDB tables of the shared design, the web pages on S3 + CloudFront, alarms and a dashboard
 * (ADR 0011). Room for the chat/jobs issue: its functions are more `FUNCTION_SPECS` rows, its tables
 * already exist, and its queue, DLQ and DLQ alarm belong in a construct beside `Monitoring`.
 */
export class CloudSayingsStack extends Stack {
  readonly settings: EnvironmentSettings;
  readonly tables: Tables;
  readonly functions: ReadonlyMap<FunctionSpec['name'], ApiFunction>;
  readonly api: apigwv2.HttpApi;
  readonly web: WebSite;
  readonly monitoring: Monitoring;
  readonly jobQueues: JobQueues;
  readonly gateway: GatewayFunction;
  readonly seed: CollectionSeed;

  constructor(scope: Construct, id: string, props: CloudSayingsStackProps) {
    super(scope, id, { description: `Cloud Sayings (${props.envName})`, ...props });
    const envName = props.envName;
    const settings: EnvironmentSettings = { ...ENVIRONMENTS[envName], ...props.settings };
    this.settings = settings;
    const prefix = `cloud-sayings-${envName}`;
    const namespace = props.metricsNamespace ?? 'CloudSayings';
    const serviceName = prefix;
    const params = parameterNames(envName);
    Tags.of(this).add('project', 'cloud-sayings');
    Tags.of(this).add('environment', envName);

    this.tables = new Tables(this, 'Tables', { namePrefix: prefix, retain: settings.retainData });
    const redis = settings.redis ? new RedisCache(this, 'Redis', { namePrefix: prefix }) : undefined;

    const overrides = props.modelOverrides === undefined ? undefined : modelOverridesSetting.safeParse(props.modelOverrides);
    if (overrides && !overrides.success) throw new Error(`modelOverrides: ${overrides.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`).join('; ')}`);
    const bedrockModelIds = [...buildCatalog(overrides?.data).values()].filter((m) => m.vendor === 'bedrock').map((m) => m.vendorModelId);
    const environment: Record<string, string> = {
      APP_ENV: envName,
      LOG_LEVEL: settings.logLevel,
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_METRICS_NAMESPACE: namespace,
      METRICS_NAMESPACE: namespace,
      SECRETS_SOURCE: 'ssm',
      CLAUDE_PARAMETER_NAME: params.anthropicKey,
      OPENAI_PARAMETER_NAME: params.openaiKey,
      ADMIN_TOKEN_PARAMETER_NAME: params.adminToken,
      BEDROCK_ENABLED: String(settings.bedrockEnabled),
      BEDROCK_REGIONS: settings.bedrockRegions.join(','),
      ...Object.fromEntries(TABLE_LOGICAL_NAMES.map((name) => [TABLE_ENV_VARS[name], this.tables.byName[name].tableName])),
      ...(redis ? { REDIS_URL: redis.url } : {}),
      ...(overrides?.data ? { MODEL_OVERRIDES: JSON.stringify(overrides.data) } : {}),
    };
    // Through CloudFront, API Gateway's source IP is CloudFront's; per-client limits need the viewer's — believed
    // only beside the secret CloudFront adds to what it forwards (ADR 0022): the API's own endpoint stays open.
    const generation = props.originSecretGeneration ?? 1;
    if (!Number.isInteger(generation) || generation < 1) throw new Error(`originSecretGeneration must be a whole number ≥ 1, not ${generation}`);
    const originSecretName = `${prefix}/origin-secret-v${generation}`;
    const originSecret = settings.apiViaCloudFront
      ? new secretsmanager.Secret(this, 'OriginSecret', {
          secretName: originSecretName,
          description: 'Sent by CloudFront to the API as x-origin-verify; the API believes CloudFront-Viewer-Address only beside it',
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;
    const viewerEnvironment: Record<string, string> = originSecret ? { CLIENT_IP_HEADER: 'cloudfront-viewer-address', ORIGIN_SECRET_NAME: originSecretName } : {};
    const seesViewers = (spec: FunctionSpec) => originSecret !== undefined && isRouteSpec(spec) && spec.behindCloudFront !== false && spec.identifiesClients === true;

    const consumer = FUNCTION_SPECS.find((s) => !isRouteSpec(s));
    this.jobQueues = new JobQueues(this, 'JobQueues', { namePrefix: prefix, consumer: consumer ?? { timeoutSeconds: 60 }, maxReceiveCount: 5, retain: settings.retainData });
    const usesJobs = (spec: FunctionSpec) => spec.tables.jobs !== undefined;

    const functions = new Map<FunctionSpec['name'], ApiFunction>();
    for (const spec of FUNCTION_SPECS) {
      const fn = new ApiFunction(this, pascal(spec.name), {
        spec,
        bundleDir: props.bundleDir,
        environment: { ...environment, ...(usesJobs(spec) ? this.jobQueues.environment() : {}), ...(seesViewers(spec) ? viewerEnvironment : {}) },
        // A queue consumer is no route: API Gateway's 29 s do not bound it (Lambda's 15 minutes do).
        ...(isRouteSpec(spec) ? {} : { maxTimeoutSeconds: 900 }),
        retainLogs: settings.retainData,
        ...(redis ? { network: { vpc: redis.vpc, securityGroup: redis.clientSecurityGroup, subnets: redis.subnets } } : {}),
      });
      for (const [name, access] of Object.entries(spec.tables) as [TableLogicalName, FunctionSpec['tables'][TableLogicalName]][]) {
        if (!access || access.length === 0) continue;
        fn.allow(tableStatement(this.tables.byName[name], access, TABLES[name].globalSecondaryIndexes.length > 0));
      }
      fn.allow(readConfigStatement(this, params.configPath));
      if (spec.callsModels) {
        fn.allow(readKeysStatement(this, [params.anthropicKey, params.openaiKey]));
        if (settings.bedrockEnabled && bedrockModelIds.length > 0) fn.allow(bedrockStatement(settings.bedrockRegions, bedrockModelIds));
      }
      if (spec.readsAdminToken) fn.allow(readAdminTokenStatement(this, params.adminToken));
      if (originSecret && seesViewers(spec)) for (const statement of readOriginSecretStatements(this, originSecret, originSecretName)) fn.allow(statement);
      if (spec.callsModels || spec.readsAdminToken) fn.allow(decryptViaSsmStatement(this, props.secretsKmsKeyArn));
      if (props.grantPutMetricData) fn.allow(putMetricDataStatement(namespace));
      if (spec.sendsJobs) this.jobQueues.allowSend(fn);
      if (!isRouteSpec(spec)) this.jobQueues.connectConsumer(fn, spec);
      functions.set(spec.name, fn);
    }
    this.functions = functions;

    // The collection reaches DynamoDB with the deployment: listCollection (Query on its index + BatchGetItem),
    // putIfAbsent (PutItem, then UpdateItem on the count item).
    this.seed = new CollectionSeed(this, 'CollectionSeed', {
      bundleDir: props.bundleDir,
      environment,
      retainLogs: settings.retainData,
      ...(redis ? { network: { vpc: redis.vpc, securityGroup: redis.clientSecurityGroup, subnets: redis.subnets } } : {}),
      after: [this.tables.byName.sayings],
      statements: [
        tableStatement(this.tables.byName.sayings, ['query', 'batchGet', 'put', 'update'], true),
        readConfigStatement(this, params.configPath),
      ],
    });

    // The site comes first: in direct mode its domain is a CORS origin of the API. In CloudFront mode the
    // distribution points at the API instead (same origin, no CORS needed — and no dependency cycle).
    this.web = new WebSite(this, 'Web', { envName, retain: settings.retainData });
    const corsOrigins = [...settings.allowedOrigins, ...(settings.apiViaCloudFront ? [] : [this.web.siteUrl])];
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: prefix,
      description: `Cloud Sayings API (${envName})`,
      createDefaultStage: false,
      ...(corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: corsOrigins,
              allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.OPTIONS],
              allowHeaders: ['content-type', 'idempotency-key', 'x-request-id'],
              exposeHeaders: ['x-request-id', 'retry-after'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttle.rateLimit, burstLimit: settings.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            ip: '$context.identity.sourceIp',
          }),
        ),
      },
    });
    const routeSpecs = FUNCTION_SPECS.filter(isRouteSpec);
    for (const spec of routeSpecs) {
      const fn = functions.get(spec.name);
      if (!fn) continue;
      // One integration per function, shared by the routes of a group.
      const integration = new HttpLambdaIntegration(`${pascal(spec.name)}Integration`, fn.function, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      });
      for (const route of routesOf(spec)) this.api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration });
    }
    const apiEndpoint = this.api.apiEndpoint;

    // CloudFront path patterns: `/jobs/{id}` becomes `/jobs/*`; the admin API stays on the API's own endpoint.
    const apiPaths = [...new Set(routeSpecs.filter((s) => s.behindCloudFront !== false).map((s) => s.path.replace(/\{\w+\}/g, '*')))];
    if (originSecret) this.web.routeApi(apiEndpoint, apiPaths, originSecret);
    this.web.deploy({
      webDir: props.webDir,
      config: { env: envName, apiUrl: settings.apiViaCloudFront ? '' : apiEndpoint, directApiUrl: apiEndpoint },
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      envName,
      api: this.api,
      functions: FUNCTION_SPECS.flatMap((spec) => {
        const construct = functions.get(spec.name);
        return construct ? [{ spec, construct }] : [];
      }),
      namespace,
      serviceName,
      settings,
      redis: redis !== undefined,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    this.jobQueues.alarmInto(this.monitoring.topic, prefix);

    new CfnOutput(this, 'JobsQueueUrl', { value: this.jobQueues.queue.queueUrl, description: 'JOBS_QUEUE_URL for `npm run jobs`' });
    new CfnOutput(this, 'JobsDeadLetterQueueUrl', { value: this.jobQueues.deadLetterQueue.queueUrl, description: 'JOBS_DLQ_URL for `npm run jobs -- dlq …`' });

    // The OpenAI-compatible gateway on its own streaming function URL (ADR 0016).
    this.gateway = new GatewayFunction(this, 'Gateway', {
      envName,
      bundleDir: props.bundleDir,
      environment,
      retainLogs: settings.retainData,
      ...(redis ? { network: { vpc: redis.vpc, securityGroup: redis.clientSecurityGroup, subnets: redis.subnets } } : {}),
      tables: this.tables,
      params,
      ...(props.secretsKmsKeyArn ? { secretsKmsKeyArn: props.secretsKmsKeyArn } : {}),
      ...(settings.bedrockEnabled && bedrockModelIds.length > 0 ? { bedrock: { regions: settings.bedrockRegions, modelIds: bedrockModelIds } } : {}),
      ...(props.grantPutMetricData ? { putMetricDataNamespace: namespace } : {}),
      alarmTopic: this.monitoring.topic,
      errorsAlarm: settings.functionErrorsAlarm,
    });
    new CfnOutput(this, 'GatewayUrl', { value: `${this.gateway.url.url}v1`, description: 'The gateway: the openai SDK baseURL (OpenAI-compatible /v1)' });

    new CfnOutput(this, 'SiteUrl', { value: this.web.siteUrl, description: 'The web pages (and, by default, the API on the same origin)' });
    new CfnOutput(this, 'ApiUrl', { value: apiEndpoint, description: 'The HTTP API, directly' });
    new CfnOutput(this, 'WebBucketName', { value: this.web.bucket.bucketName, description: 'aws s3 sync dist/web s3://<this>' });
    new CfnOutput(this, 'DistributionId', { value: this.web.distribution.distributionId });
    new CfnOutput(this, 'ConfigParameterPath', { value: params.configPath, description: 'Non-secret settings (String parameters, one per variable)' });
    new CfnOutput(this, 'AnthropicKeyParameter', { value: params.anthropicKey, description: 'SecureString to create with aws ssm put-parameter' });
    new CfnOutput(this, 'OpenAiKeyParameter', { value: params.openaiKey, description: 'SecureString to create with aws ssm put-parameter' });
    new CfnOutput(this, 'AdminTokenParameter', { value: params.adminToken, description: 'SecureString: the admin API’s bearer token (aws ssm put-parameter --type SecureString)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `cloud-sayings-${envName}` });
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());
}
