import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudSayingsStack } from '../../infra/cloud-sayings-stack';
import { ENVIRONMENTS } from '../../infra/environments';
import { FUNCTION_NAMES } from '../../infra/functions';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { loadLocalConfig } from '../../src/entrypoints/config/app-config';
import { list, readsOriginSecret, text, type Json, type Resources, type Statement } from './template-support';

/* The chat function of the CDK stack: its route, its runtime settings and exactly the IAM its adapters need. */

let work: string;
function synth(envName: 'dev' | 'prod'): Resources {
  const stack = new CloudSayingsStack(new App(), `Chat-${envName}`, { envName, bundleDir: path.join(work, 'lambda'), webDir: path.join(work, 'web') });
  return Template.fromStack(stack).toJSON().Resources as Resources;
}

function chatFunction(resources: Resources) {
  const entry = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ChatFunction'));
  if (!entry) throw new Error('no chat function');
  const [id, fn] = entry;
  const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return { id, props: fn.Properties ?? {}, statements };
}

function tableId(resources: Resources, logical: string): string {
  const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table' && String(r.Properties?.TableName).endsWith(`-${logical}`));
  if (!found) throw new Error(`no ${logical} table`);
  return found[0];
}

let dev: Resources;
let prod: Resources;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-sayings-chat-infra-'));
  // Every bundle the stack deploys: the route functions and the deploy-time seeding function.
  for (const name of [...FUNCTION_NAMES, 'seed-collection', 'gateway']) {
    fs.mkdirSync(path.join(work, 'lambda', name), { recursive: true });
    fs.writeFileSync(path.join(work, 'lambda', name, 'index.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
  }
  fs.mkdirSync(path.join(work, 'web'), { recursive: true });
  dev = synth('dev');
  prod = synth('prod');
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the chat function', () => {
  it('runs the chat bundle on nodejs24.x arm64, with a timeout that covers the 3 s path and a cold start', () => {
    const { props } = chatFunction(dev);
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 10, MemorySize: 1024 });
    const env = (props.Environment as { Variables: Json }).Variables;
    expect(text(env.SESSIONS_TABLE)).toBe(`\${${tableId(dev, 'sessions')}}`);
  });

  it('serves POST /chat through API Gateway (payload v2) and, on the same origin, through CloudFront', () => {
    const { id } = chatFunction(dev);
    const route = Object.values(dev).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties?.RouteKey === 'POST /chat');
    const integrationId = /integrations\/\$\{(\w+)\}/.exec(text(route?.Properties?.Target))?.[1] ?? '';
    expect(dev[integrationId]?.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(text(dev[integrationId]?.Properties?.IntegrationUri)).toBe(`\${${id}.Arn}`);
    const distribution = Object.values(dev).find((r) => r.Type === 'AWS::CloudFront::Distribution')?.Properties?.DistributionConfig as Json;
    const behavior = (distribution.CacheBehaviors as Json[]).find((b) => b.PathPattern === '/chat');
    expect(behavior?.AllowedMethods).toContain('POST');
  });

  it('may touch exactly: sessions Get/Put (the table only), the collection through Query/BatchGet, usage Put — no other table', () => {
    const { statements } = chatFunction(dev);
    const dynamo = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
    const grants = dynamo.map((s) => ({ actions: list(s.Action).sort(), resources: list(s.Resource as unknown).map(text).sort() }));
    const arn = (logical: string) => `\${${tableId(dev, logical)}.Arn}`;
    expect(grants.sort((a, b) => a.resources[0]!.localeCompare(b.resources[0]!))).toEqual(
      [
        { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [arn('sessions')] },
        { actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'], resources: [arn('sayings'), `${arn('sayings')}/index/*`] },
        { actions: ['dynamodb:PutItem'], resources: [arn('usage')] },
      ].sort((a, b) => a.resources[0]!.localeCompare(b.resources[0]!)),
    );
  });

  it('reads the provider keys like the other model-calling function, decrypts only through SSM, and calls only the catalog’s Bedrock models', () => {
    const ssmArn = (suffix: string) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/cloud-sayings/dev${suffix}`;
    const { statements } = chatFunction(dev);
    const keys = statements.filter((s) => list(s.Action).includes('ssm:GetParameter') && !readsOriginSecret(s));
    expect(keys).toHaveLength(1);
    expect(list(keys[0]?.Resource as unknown).map(text).sort()).toEqual([ssmArn('/api-key/anthropic'), ssmArn('/api-key/openai')]);
    const byPath = statements.filter((s) => list(s.Action).includes('ssm:GetParametersByPath'));
    expect(list(byPath[0]?.Resource as unknown).map(text)).toEqual([ssmArn(''), ssmArn('/*')]);
    const kms = statements.filter((s) => list(s.Action).includes('kms:Decrypt'));
    expect(kms).toHaveLength(1);
    expect(text(kms[0]?.Condition?.StringEquals?.['kms:ViaService'])).toBe('ssm.${AWS::Region}.amazonaws.com');
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('bedrock:'))).toEqual([]);

    const bedrock = chatFunction(prod).statements.filter((s) => list(s.Action).some((a) => a.startsWith('bedrock:')));
    const ids = [...buildCatalog().values()].filter((m) => m.vendor === 'bedrock').map((m) => m.vendorModelId);
    expect(list(bedrock[0]?.Resource as unknown).map(text).sort()).toEqual(
      ENVIRONMENTS.prod.bedrockRegions.flatMap((r) => ids.map((id) => `arn:\${AWS::Partition}:bedrock:${r}::foundation-model/${id}`)).sort(),
    );
    for (const s of statements) for (const r of list(s.Resource as unknown)) expect(r).not.toBe('*');
  });

  it('alarms when its p95 duration passes the answer it promises (CHAT_DEADLINE_MS), not 80 % of its timeout', () => {
    const alarms = Object.values(dev).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties ?? {});
    const chat = alarms.find((a) => a.AlarmName === 'cloud-sayings-dev-chat-duration-p95');
    expect(chat).toMatchObject({ MetricName: 'Duration', ExtendedStatistic: 'p95', Threshold: loadLocalConfig({}).CHAT_DEADLINE_MS, EvaluationPeriods: 3 });
    expect(String(chat?.AlarmDescription)).toContain('3000 ms promise');
    // The others keep the timeout-based threshold.
    const saying = alarms.find((a) => a.AlarmName === 'cloud-sayings-dev-get-saying-duration-p95');
    expect(saying?.Threshold).toBeGreaterThan(3_000);
  });

  it('the sessions table it writes expires items by expiresAt (epoch seconds)', () => {
    expect(dev[tableId(dev, 'sessions')]?.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});
