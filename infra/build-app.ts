import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { CloudSayingsStack } from './cloud-sayings-stack';
import { ENV_NAMES, isEnvName, type EnvName } from './environments';

/** `CloudSayings-dev`, `CloudSayings-staging`, `CloudSayings-prod`. */
export const stackName = (envName: EnvName): string => `CloudSayings-${envName}`;

/**
 * The app with one stack per requested environment. Account and region come from the CDK CLI
 * (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION) when it runs the app; otherwise the stacks are
 * environment-agnostic and `cdk deploy` fills them in from the profile.
 */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const requested = context('env') ?? 'dev';
  if (requested !== 'all' && !isEnvName(requested)) {
    throw new Error(`context env must be one of ${ENV_NAMES.join(', ')} or all, not "${requested}"`);
  }
  const envs: readonly EnvName[] = requested === 'all' ? ENV_NAMES : [requested];
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const alarmEmail = context('alarmEmail');
  const secretsKmsKeyArn = context('secretsKmsKeyArn');
  const originSecretGeneration = context('originSecretGeneration');
  // A string from `-c modelOverrides='[…]'`; a list when it comes through CDK_CONTEXT_JSON.
  const rawOverrides: unknown = app.node.tryGetContext('modelOverrides');
  const modelOverrides = typeof rawOverrides === 'object' && rawOverrides !== null ? JSON.stringify(rawOverrides) : context('modelOverrides');
  for (const envName of envs) {
    new CloudSayingsStack(app, stackName(envName), {
      envName,
      ...(account || region ? { env: { ...(account ? { account } : {}), ...(region ? { region } : {}) } } : {}),
      bundleDir: path.resolve(context('bundleDir') ?? 'dist/lambda'),
      webDir: path.resolve(context('webDir') ?? 'dist/web'),
      grantPutMetricData: context('grantPutMetricData') === 'true',
      ...(alarmEmail ? { alarmEmail } : {}),
      ...(secretsKmsKeyArn ? { secretsKmsKeyArn } : {}),
      ...(originSecretGeneration ? { originSecretGeneration: Number(originSecretGeneration) } : {}),
      ...(modelOverrides ? { modelOverrides } : {}),
    });
  }
  return app;
}
