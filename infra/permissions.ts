import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DYNAMODB_ACTIONS, type TableAccess } from './functions';

/*
 * Every IAM statement the functions get, built here so that the rules are in one place: a resource is
 * always named (a table, a parameter, a model), and the only `*` is PutMetricData, which has no resource
 * type in IAM — it is pinned to our namespace by a condition instead.
 */

/** One table's actions: the table and, when reading, its indexes (Query on a GSI names the index ARN). */
export function tableStatement(table: dynamodb.Table, access: readonly TableAccess[], hasIndexes: boolean): iam.PolicyStatement {
  const actions = [...new Set(access.flatMap((a) => DYNAMODB_ACTIONS[a]))].sort();
  const resources = [table.tableArn];
  if (hasIndexes && access.includes('query')) resources.push(`${table.tableArn}/index/*`);
  return new iam.PolicyStatement({ actions, resources });
}

/** `arn:…:ssm:<region>:<account>:parameter/<name without its leading slash>`. */
export function parameterArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: name.replace(/^\/+/, ''),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/**
 * The configuration loader's one call: GetParametersByPath on `/cloud-sayings/{env}/` (not recursive).
 * IAM checks that call against the path itself, so this grants no GetParameter on anything.
 */
export function readConfigStatement(scope: Construct, configPath: string): iam.PolicyStatement {
  const trimmed = configPath.replace(/\/+$/, '');
  return new iam.PolicyStatement({
    actions: ['ssm:GetParametersByPath'],
    resources: [parameterArn(scope, trimmed), parameterArn(scope, `${trimmed}/*`)],
  });
}

/** GetParameter(s) on exactly the provider-key parameters (the secret store reads one at a time). */
export function readKeysStatement(scope: Construct, parameterNames: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['ssm:GetParameter', 'ssm:GetParameters'],
    resources: parameterNames.map((name) => parameterArn(scope, name)),
  });
}

/** GetParameter on the admin API's token alone (the secret store reads one parameter at a time). */
export function readAdminTokenStatement(scope: Construct, parameterName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn(scope, parameterName)] });
}

/**
 * The origin secret, read through SSM's reserved `/aws/reference/secretsmanager/<name>` path (ADR 0022): SSM passes
 * the call on to Secrets Manager, which checks GetSecretValue on the secret itself; GetParameter is granted on that
 * one reference name. The secret uses Secrets Manager's own key, so no kms:Decrypt is needed.
 */
export function readOriginSecretStatements(scope: Construct, secret: secretsmanager.ISecret, secretName: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn(scope, `aws/reference/secretsmanager/${secretName}`)] }),
  ];
}

/**
 * Decrypting the SecureStrings, only when SSM asks on the function's behalf (`kms:ViaService`). Without a
 * named key: any key of this account and region — the default `aws/ssm` key has a random id — which the
 * condition still confines to SSM in this region.
 */
export function decryptViaSsmStatement(scope: Construct, kmsKeyArn: string | undefined): iam.PolicyStatement {
  const stack = Stack.of(scope);
  const resource = kmsKeyArn ?? stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  return new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [resource],
    conditions: { StringEquals: { 'kms:ViaService': `ssm.${Aws.REGION}.amazonaws.com` } },
  });
}

/** InvokeModel (Converse uses it too) and its streaming form, on the catalog's foundation models in the configured regions. */
export function bedrockStatement(regions: readonly string[], modelIds: readonly string[]): iam.PolicyStatement {
  const resources = regions.flatMap((region) => modelIds.map((id) => `arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${id}`));
  return new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources });
}

/** PutMetricData supports no resource-level permission (AWS requires `*`); the namespace condition narrows it. */
export function putMetricDataStatement(namespace: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  });
}
