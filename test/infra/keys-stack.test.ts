import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CloudSayingsStack } from '../../infra/cloud-sayings-stack';
import { FUNCTION_SPECS, isRouteSpec, routesOf } from '../../infra/functions';
import { ADMIN_KEY_ROUTE_KEYS } from '../../src/entrypoints/http/routes/keys/admin-keys.routes';
import { list, ofType, text, type Json, type Resources, type Statement } from './template-support';

/* The admin API's function in the CDK stack (ADR 0012): its route group, and least privilege around the keys. */

/** The handlers scripts/build-lambda.mjs bundles (an ES module jest cannot require; its list is read as text). */
const LAMBDA_HANDLERS: string[] = JSON.parse(
  (/export const LAMBDA_HANDLERS = (\[[^\]]*\])/.exec(fs.readFileSync(path.join(__dirname, '..', '..', 'scripts', 'build-lambda.mjs'), 'utf8'))?.[1] ?? '[]').replace(/'/g, '"'),
) as string[];

let dev: { template: Template; resources: Resources; json: Json };
let fnId: string;
let statements: Statement[];

beforeAll(() => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-infra-keys-'));
  const bundleDir = path.join(work, 'lambda');
  for (const name of LAMBDA_HANDLERS) {
    fs.mkdirSync(path.join(bundleDir, name), { recursive: true });
    fs.writeFileSync(path.join(bundleDir, name, 'index.js'), 'exports.handler = async () => ({});\n');
  }
  const template = Template.fromStack(new CloudSayingsStack(new App(), 'KeysDev', { envName: 'dev', bundleDir }));
  const json = template.toJSON() as Json;
  dev = { template, resources: json.Resources as Resources, json };
  fs.rmSync(work, { recursive: true, force: true });
  fnId = ofType(dev.resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ManageKeys'))?.[0] ?? '';
  const roleId = ((dev.resources[fnId]?.Properties?.Role as Json)['Fn::GetAtt'] as string[])[0];
  statements = ofType(dev.resources, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}, 60_000);

const arn = (suffix: string) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/cloud-sayings/dev${suffix}`;

describe('the manage-keys function', () => {
  it('is built and bundled like the others, and knows the admin token’s parameter by name only', () => {
    expect(LAMBDA_HANDLERS).toContain('manage-keys');
    expect(fnId).not.toBe('');
    const props = dev.resources[fnId]?.Properties ?? {};
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 512, Timeout: 10 });
    const env = (props.Environment as { Variables: Json }).Variables;
    expect(env.ADMIN_TOKEN_PARAMETER_NAME).toBe('/cloud-sayings/dev/admin/token');
    expect(env.ADMIN_TOKEN).toBeUndefined();
    expect(JSON.stringify(dev.json)).not.toMatch(/"ADMIN_TOKEN"/);
    dev.template.hasOutput('AdminTokenParameter', { Value: '/cloud-sayings/dev/admin/token' });
  });

  it('serves exactly the admin route group, through one integration, and the code agrees on the routes', () => {
    const spec = FUNCTION_SPECS.filter(isRouteSpec).find((s) => s.name === 'manage-keys');
    expect(spec && routesOf(spec).map((r) => `${r.method} ${r.path}`)).toEqual([...ADMIN_KEY_ROUTE_KEYS]);
    const routes = ofType(dev.resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {});
    const admin = routes.filter((r) => String(r.RouteKey).includes('/admin/'));
    expect(admin.map((r) => r.RouteKey).sort()).toEqual([...ADMIN_KEY_ROUTE_KEYS].sort());
    const integrations = new Set(admin.map((r) => /integrations\/\$\{(\w+)\}/.exec(text(r.Target))?.[1]));
    expect(integrations.size).toBe(1);
    const integration = dev.resources[[...integrations][0] ?? '']?.Properties ?? {};
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(text(integration.IntegrationUri)).toBe(`\${${fnId}.Arn}`);
  });

  it('is not behind the public site’s CloudFront distribution', () => {
    const distribution = ofType(dev.resources, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Json;
    const patterns = ((distribution.CacheBehaviors as Json[] | undefined) ?? []).map((b) => String(b.PathPattern));
    expect(patterns.some((p) => p.startsWith('/admin'))).toBe(false);
  });

  it('IAM: apiKeys Get/Put/Update/Query (its index for Query), no other table, no model, no provider key', () => {
    const dynamo = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(list(dynamo[0]?.Action as string[]).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const tableId = ofType(dev.resources, 'AWS::DynamoDB::Table').find(([, t]) => String(t.Properties?.TableName).endsWith('-apiKeys'))?.[0];
    expect(list(dynamo[0]?.Resource).map(text).sort()).toEqual([`\${${tableId}.Arn}`, `\${${tableId}.Arn}/index/*`]);
    const all = statements.flatMap((s) => list(s.Action));
    expect(all.filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    expect(statements.flatMap((s) => list(s.Resource).map(text)).some((r) => r.includes('api-key/'))).toBe(false);
  });

  it('IAM: GetParameter on the admin token alone, decrypted only through SSM; no other function may read it', () => {
    const single = statements.filter((s) => list(s.Action).some((a) => a === 'ssm:GetParameter' || a === 'ssm:GetParameters'));
    expect(single).toHaveLength(1);
    expect(single[0]?.Action).toBe('ssm:GetParameter');
    expect(list(single[0]?.Resource).map(text)).toEqual([arn('/admin/token')]);
    const kms = statements.filter((s) => list(s.Action).includes('kms:Decrypt'));
    expect(kms).toHaveLength(1);
    expect(text((kms[0]?.Condition?.StringEquals as Json)['kms:ViaService'])).toBe('ssm.${AWS::Region}.amazonaws.com');
    for (const [id, policy] of ofType(dev.resources, 'AWS::IAM::Policy')) {
      for (const s of (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (!list(s.Resource).map(text).includes(arn('/admin/token'))) continue;
        expect({ id, ours: (policy.Properties?.Roles as { Ref: string }[]).some((r) => r.Ref === ((dev.resources[fnId]?.Properties?.Role as Json)['Fn::GetAtt'] as string[])[0]) }).toEqual({ id, ours: true });
      }
    }
  });

  it('the apiKeys table: records and secrets under pk, the byOwner index, purgeAt as TTL', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'cloud-sayings-dev-apiKeys',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byOwner', KeySchema: [{ AttributeName: 'ownerId', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }] })],
      TimeToLiveSpecification: { AttributeName: 'purgeAt', Enabled: true },
    });
  });
});
