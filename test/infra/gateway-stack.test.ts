import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudSayingsStack, type CloudSayingsStackProps } from '../../infra/cloud-sayings-stack';
import { GATEWAY_RESERVED_CONCURRENCY } from '../../infra/constructs/gateway-function';
import { FUNCTION_NAMES } from '../../infra/functions';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { list, text, type Json, type Resources, type Statement } from './template-support';

/*
 * The gateway's function in the CDK stack (ADR 0016): a function URL that streams, its runtime settings, and
 * exactly the IAM its adapters need — the usage table, the key store, the provider keys, Bedrock when enabled.
 */

let work: string;
function synth(props: Partial<CloudSayingsStackProps> & Pick<CloudSayingsStackProps, 'envName'>): { resources: Resources; outputs: Json } {
  const stack = new CloudSayingsStack(new App(), `Gateway-${props.envName}`, { bundleDir: path.join(work, 'lambda'), webDir: path.join(work, 'web'), ...props });
  const json = Template.fromStack(stack).toJSON() as Json;
  return { resources: json.Resources as Resources, outputs: json.Outputs as Json };
}

function gateway(resources: Resources) {
  const entry = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Gateway'));
  if (!entry) throw new Error('no gateway function');
  const [id, fn] = entry;
  const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
  const statements = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  const role = resources[roleId];
  return { id, props: fn.Properties ?? {}, statements, role };
}

const tableIds = (resources: Resources): Map<string, string> =>
  new Map(
    Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
      .map(([id, r]) => [id, String(r.Properties?.TableName).replace(/^cloud-sayings-[a-z]+-/, '')]),
  );

/** table → its sorted DynamoDB actions, and whether an index ARN is granted too. */
function dynamo(resources: Resources, statements: Statement[]): Record<string, { actions: string[]; indexes: boolean }> {
  const ids = tableIds(resources);
  const out: Record<string, { actions: Set<string>; indexes: boolean }> = {};
  for (const s of statements) {
    const actions = list(s.Action).filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    for (const resource of list(s.Resource as unknown).map(text)) {
      const match = /^\$\{([A-Za-z0-9]+)\.Arn\}(\/index\/\*)?$/.exec(resource);
      const table = match?.[1] ? ids.get(match[1]) : undefined;
      if (!table) throw new Error(`DynamoDB statement on something other than a table: ${resource}`);
      out[table] ??= { actions: new Set(), indexes: false };
      actions.forEach((a) => out[table]?.actions.add(a));
      if (match?.[2]) out[table].indexes = true;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([t, v]) => [t, { actions: [...v.actions].sort(), indexes: v.indexes }]));
}

let dev: ReturnType<typeof synth>;
let prod: ReturnType<typeof synth>;
let extras: ReturnType<typeof synth>;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-sayings-gateway-infra-'));
  for (const name of [...FUNCTION_NAMES, 'seed-collection', 'gateway']) {
    fs.mkdirSync(path.join(work, 'lambda', name), { recursive: true });
    fs.writeFileSync(path.join(work, 'lambda', name, 'index.js'), `exports.handler = async () => ({ bundle: '${name}' });\n`);
  }
  fs.mkdirSync(path.join(work, 'web'), { recursive: true });
  dev = synth({ envName: 'dev' });
  prod = synth({ envName: 'prod' });
  extras = synth({ envName: 'dev', settings: { redis: true, bedrockEnabled: true }, grantPutMetricData: true });
}, 90_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the gateway function', () => {
  it('runs the gateway bundle on nodejs24.x arm64, with a timeout for long streams and reserved concurrency as its ceiling', () => {
    const { props } = gateway(dev.resources);
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 120, MemorySize: 1024 });
    expect(props.ReservedConcurrentExecutions).toBe(GATEWAY_RESERVED_CONCURRENCY.dev);
    expect(gateway(prod.resources).props.ReservedConcurrentExecutions).toBe(GATEWAY_RESERVED_CONCURRENCY.prod);
    const env = (props.Environment as { Variables: Json }).Variables;
    expect(env).toMatchObject({ APP_ENV: 'dev', SECRETS_SOURCE: 'ssm', OPENAI_PARAMETER_NAME: '/cloud-sayings/dev/api-key/openai' });
    expect(text(env.USAGE_TABLE)).toMatch(/^\$\{Tables/);
    expect(text(env.API_KEYS_TABLE)).toMatch(/^\$\{Tables/);
    const groupId = ((props.LoggingConfig as Json).LogGroup as { Ref: string }).Ref;
    expect(dev.resources[groupId]?.Properties?.RetentionInDays).toBe(30);
  });

  it('is exposed by a function URL that streams (InvokeMode RESPONSE_STREAM), authenticated by our own keys, not by API Gateway', () => {
    const { id } = gateway(dev.resources);
    const urls = Object.entries(dev.resources).filter(([, r]) => r.Type === 'AWS::Lambda::Url');
    expect(urls).toHaveLength(1);
    const [urlId, url] = urls[0] ?? [];
    expect(url?.Properties).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    expect(text(url?.Properties?.TargetFunctionArn)).toBe(`\${${id}.Arn}`);
    const permissions = Object.values(dev.resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && text(r.Properties?.FunctionName).includes(id));
    expect(permissions.some((p) => p.Properties?.Action === 'lambda:InvokeFunctionUrl' && p.Properties?.FunctionUrlAuthType === 'NONE')).toBe(true);
    // Since October 2025 a public function URL also needs InvokeFunction, limited to calls through the URL.
    expect(permissions.some((p) => p.Properties?.Action === 'lambda:InvokeFunction' && p.Properties?.InvokedViaFunctionUrl === true)).toBe(true);
    const routes = Object.values(dev.resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => String(r.Properties?.RouteKey));
    expect(routes.filter((k) => k.includes('/v1/'))).toEqual([]);
    expect(text((dev.outputs.GatewayUrl as Json).Value)).toBe(`\${${urlId}.FunctionUrl}v1`);
  });

  it('reaches only the usage table (put, query, scan) and the key store (get, update), on the tables alone', () => {
    expect(dynamo(dev.resources, gateway(dev.resources).statements)).toEqual({
      usage: { actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'], indexes: false },
      apiKeys: { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], indexes: false },
    });
  });

  it('reads the configuration path and the two provider keys, decrypting only through SSM; no * resource but pinned PutMetricData', () => {
    const { statements } = gateway(dev.resources);
    const ssm = statements.filter((s) => list(s.Action).some((a) => a.startsWith('ssm:')));
    expect(ssm.flatMap((s) => list(s.Action)).sort()).toEqual(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath']);
    const keys = ssm.find((s) => list(s.Action).includes('ssm:GetParameter'));
    expect(list(keys?.Resource).map(text).map((r) => r.replace(/.*:parameter/, ''))).toEqual(['/cloud-sayings/dev/api-key/anthropic', '/cloud-sayings/dev/api-key/openai']);
    const kms = statements.find((s) => list(s.Action).includes('kms:Decrypt'));
    expect(text(kms?.Condition?.StringEquals?.['kms:ViaService'])).toBe('ssm.${AWS::Region}.amazonaws.com');
    for (const result of [dev, extras]) {
      for (const s of gateway(result.resources).statements) {
        const resources = list(s.Resource as unknown).map(text);
        if (!resources.includes('*')) continue;
        expect(list(s.Action)).toEqual(['cloudwatch:PutMetricData']);
        expect(s.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CloudSayings' } });
      }
    }
    expect(gateway(dev.resources).statements.some((s) => list(s.Action).includes('cloudwatch:PutMetricData'))).toBe(false);
    expect(gateway(extras.resources).statements.some((s) => list(s.Action).includes('cloudwatch:PutMetricData'))).toBe(true);
  });

  it('calls Bedrock only when enabled, on the catalog’s foundation models in the configured regions; joins the Redis VPC with it', () => {
    expect(gateway(dev.resources).statements.some((s) => list(s.Action).some((a) => a.startsWith('bedrock:')))).toBe(false);
    const bedrock = gateway(extras.resources).statements.filter((s) => list(s.Action).some((a) => a.startsWith('bedrock:')));
    expect(bedrock).toHaveLength(1);
    expect(list(bedrock[0]?.Action).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    const ids = [...buildCatalog().values()].filter((m) => m.vendor === 'bedrock').map((m) => m.vendorModelId);
    const regions = ['us-east-1', 'us-west-2', 'ap-northeast-1'];
    expect(list(bedrock[0]?.Resource).map(text).sort()).toEqual(regions.flatMap((r) => ids.map((id) => `arn:\${AWS::Partition}:bedrock:${r}::foundation-model/${id}`)).sort());
    expect(gateway(extras.resources).props.VpcConfig).toBeDefined();
    expect(gateway(dev.resources).props.VpcConfig).toBeUndefined();
  });

  it('starts from an empty role: no AWS managed policy outside a VPC, logs only to its own group', () => {
    const { role, statements, props } = gateway(dev.resources);
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    const logs = statements.filter((s) => list(s.Action).some((a) => a.startsWith('logs:')));
    const groupId = ((props.LoggingConfig as Json).LogGroup as { Ref: string }).Ref;
    for (const s of logs) for (const r of list(s.Resource as unknown).map(text)) expect(r).toContain(groupId);
  });

  it('alarms on its errors and on throttling at its reserved concurrency, to the stack’s one topic', () => {
    const alarms = Object.values(dev.resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties?.AlarmName).includes('-gateway-'));
    expect(alarms.map((a) => a.Properties?.AlarmName).sort()).toEqual(['cloud-sayings-dev-gateway-errors', 'cloud-sayings-dev-gateway-throttles']);
    expect(alarms.map((a) => a.Properties?.MetricName).sort()).toEqual(['Errors', 'Throttles']);
    const topicId = Object.entries(dev.resources).find(([, r]) => r.Type === 'AWS::SNS::Topic')?.[0];
    for (const a of alarms) expect((a.Properties?.AlarmActions as unknown[]).map(text)).toEqual([`\${${topicId}}`]);
  });
});
