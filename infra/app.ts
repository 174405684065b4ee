/*
 * The CDK app's entry point. `npm run synth` (scripts/synth.mjs) bundles and runs it; with the CDK CLI
 * installed separately, `cdk deploy --app cdk.out` deploys what it wrote. Context (`-c key=value` or
 * CDK_CONTEXT_JSON): env = dev | staging | prod | all (default dev), bundleDir (default dist/lambda),
 * webDir (default dist/web), alarmEmail, secretsKmsKeyArn, grantPutMetricData, originSecretGeneration (default 1),
 * modelOverrides (JSON, as MODEL_OVERRIDES).
 */
import { buildApp } from './build-app';

buildApp().synth();
