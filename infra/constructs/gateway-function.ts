import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TABLES, type TableLogicalName } from '../../src/adapters/aws/dynamodb/table-design';
import type { EnvName } from '../environments';
import type { TableAccess } from '../functions';
import { bedrockStatement, decryptViaSsmStatement, putMetricDataStatement, readConfigStatement, readKeysStatement, tableStatement } from '../permissions';
import { ApiFunction, type ApiFunctionProps, type FunctionSizing } from './api-function';
import type { Tables } from './tables';

/**
 * The gateway's one function (ADR 0016): every `/v1/` route, behind a function URL that streams (API Gateway HTTP
 * APIs buffer a Lambda's answer). Streams last as long as the model writes, so its timeout is not API Gateway's.
 */
export const GATEWAY_FUNCTION: FunctionSizing = {
  name: 'gateway',
  description: 'The OpenAI-compatible gateway (/v1/chat/completions, /v1/models, /v1/usage) on a streaming function URL',
  memorySize: 1024,
  timeoutSeconds: 120,
};

/*
 * What the gateway's use cases call, through the adapters:
 * - usage.record (PutItem) for every request; usage.list for GET /v1/usage (Query per time bucket, Scan for
 *   windows longer than the buckets serve);
 * - the key store (GatewayKeys, the keys branch): authenticate (GetItem by hash) and reserveBudget / recordUse
 *   (UpdateItem), as its engineer reports them.
 */
export const GATEWAY_TABLES: Partial<Readonly<Record<TableLogicalName, readonly TableAccess[]>>> = {
  usage: ['put', 'query', 'scan'],
  apiKeys: ['get', 'update'],
};

/**
 * A function URL has no stage throttling: reserved concurrency is the ceiling on how many requests (and model
 * calls) run at once, and on what a flood can cost; the per-key RPM/TPM limits and budgets work inside it.
 */
export const GATEWAY_RESERVED_CONCURRENCY: Readonly<Record<EnvName, number>> = { dev: 5, staging: 20, prod: 100 };

export interface GatewayFunctionProps {
  readonly envName: EnvName;
  readonly bundleDir: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly retainLogs: boolean;
  readonly network?: ApiFunctionProps['network'];
  readonly tables: Tables;
  /** The configuration path and the provider keys' parameter names. */
  readonly params: { readonly configPath: string; readonly anthropicKey: string; readonly openaiKey: string };
  readonly secretsKmsKeyArn?: string;
  /** When Bedrock is enabled: the catalog's Bedrock models, in these regions. */
  readonly bedrock?: { readonly regions: readonly string[]; readonly modelIds: readonly string[] };
  /** Grant namespace-pinned PutMetricData (the metrics are EMF log lines otherwise). */
  readonly putMetricDataNamespace?: string;
  readonly alarmTopic: sns.ITopic;
  /** Alarm when the function reports at least this many errors in 5 minutes. */
  readonly errorsAlarm: number;
}

export class GatewayFunction extends Construct {
  readonly fn: ApiFunction;
  readonly url: lambda.FunctionUrl;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    this.fn = new ApiFunction(this, 'Function', {
      spec: GATEWAY_FUNCTION,
      maxTimeoutSeconds: 900,
      bundleDir: props.bundleDir,
      environment: props.environment,
      retainLogs: props.retainLogs,
      ...(props.network ? { network: props.network } : {}),
    });
    // Exactly what the use cases call (GATEWAY_TABLES), and what every model-calling function gets.
    for (const [name, access] of Object.entries(GATEWAY_TABLES) as [TableLogicalName, readonly TableAccess[]][]) {
      this.fn.allow(tableStatement(props.tables.byName[name], access, TABLES[name].globalSecondaryIndexes.length > 0));
    }
    this.fn.allow(readConfigStatement(this, props.params.configPath));
    this.fn.allow(readKeysStatement(this, [props.params.anthropicKey, props.params.openaiKey]));
    this.fn.allow(decryptViaSsmStatement(this, props.secretsKmsKeyArn));
    if (props.bedrock) this.fn.allow(bedrockStatement(props.bedrock.regions, props.bedrock.modelIds));
    if (props.putMetricDataNamespace) this.fn.allow(putMetricDataStatement(props.putMetricDataNamespace));
    (this.fn.function.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = GATEWAY_RESERVED_CONCURRENCY[props.envName];

    // Our own bearer keys authenticate every request; IAM auth would need SigV4 from clients the openai SDK is.
    this.url = this.fn.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.RESPONSE_STREAM });

    const prefix = `cloud-sayings-${props.envName}-gateway`;
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      created.addOkAction(new actions.SnsAction(props.alarmTopic));
      this.alarms.push(created);
    };
    alarm('Errors', {
      alarmName: `${prefix}-errors`,
      alarmDescription: `gateway: ${props.errorsAlarm}+ invocation errors (crash or timeout) in 5 minutes`,
      metric: this.fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: props.errorsAlarm,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('Throttles', {
      alarmName: `${prefix}-throttles`,
      alarmDescription: `gateway: requests refused because all ${GATEWAY_RESERVED_CONCURRENCY[props.envName]} reserved executions were busy`,
      metric: this.fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
