import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app';
import { CloudSayingsStack, type CloudSayingsStackProps } from '../../infra/cloud-sayings-stack';
import { ENVIRONMENTS } from '../../infra/environments';
import { TABLES, TABLE_LOGICAL_NAMES, type TableLogicalName } from '../../src/adapters/aws/dynamodb/table-design';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { list, ofType, readsOriginSecret, text, type Json, type Resources, type Statement } from './template-support';

/*
 * The CDK stack, asserted on its synthesised CloudFormation (no AWS account, no network). Placeholder
 * bundles stand in for dist/lambda so the suite does not depend on the build.
 */

const FUNCTION_NAMES = ['get-saying', 'submit-feedback', 'get-stats', 'get-health', 'chat', 'manage-keys'] as const;
type FunctionName = (typeof FUNCTION_NAMES)[number];
/** The functions that call models: they alone read the provider keys and may call Bedrock. */
const CALLS_MODELS: ReadonlySet<FunctionName> = new Set(['get-saying', 'chat']);
/** Functions that serve no route (asserted in their own suites), whose bundles the stack still needs. */
const OTHER_BUNDLES = ['seed-collection', 'gateway'] as const;
/** Functions that serve no API Gateway route: the deploy-time seed, and the gateway on its function URL (gateway-stack.test.ts). */
const OTHER_FUNCTION_IDS = /^(CollectionSeed|Gateway)/;
/** Asserted in test/infra/jobs-stack.test.ts; this file leaves them out. */
const JOB_FUNCTION_NAMES = ['submit-job', 'get-job', 'job-worker'] as const;
const isJobResource = (id: string) => /^(SubmitJob|GetJob|JobWorker)/.test(id);

let workDir: string;
let bundleDir: string;
let webDir: string;

function synth(props: Partial<CloudSayingsStackProps> & Pick<CloudSayingsStackProps, 'envName'>): { template: Template; json: Json; resources: Resources } {
  const app = new App();
  const stack = new CloudSayingsStack(app, `Test-${props.envName}`, { bundleDir, webDir, ...props });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as Json;
  return { template, json, resources: json.Resources as Resources };
}

/** Every statement of every identity policy: AWS::IAM::Policy documents and roles' inline policies. */
function allStatements(resources: Resources): { owner: string; statement: Statement }[] {
  const out: { owner: string; statement: Statement }[] = [];
  for (const [id, r] of ofType(resources, 'AWS::IAM::Policy')) {
    for (const s of (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement) out.push({ owner: id, statement: s });
  }
  for (const [id, r] of ofType(resources, 'AWS::IAM::Role')) {
    for (const p of (r.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) {
      for (const s of p.PolicyDocument.Statement) out.push({ owner: id, statement: s });
    }
  }
  return out;
}

/** Our route functions (the ones with APP_ENV), by name, with their role's statements. */
function functionsOf(resources: Resources): Map<FunctionName, { id: string; props: Json; roleId: string; statements: Statement[] }> {
  const byName = new Map<FunctionName, { id: string; props: Json; roleId: string; statements: Statement[] }>();
  for (const [id, r] of ofType(resources, 'AWS::Lambda::Function')) {
    const env = (r.Properties?.Environment as { Variables?: Json } | undefined)?.Variables;
    if (!env?.APP_ENV || OTHER_FUNCTION_IDS.test(id) || isJobResource(id)) continue;
    const name = FUNCTION_NAMES.find((n) => id.startsWith(n.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase())));
    if (!name) throw new Error(`unexpected function ${id}`);
    const roleId = (r.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const statements = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
      .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    byName.set(name, { id, props: r.Properties ?? {}, roleId, statements });
  }
  return byName;
}

const actionsOf = (s: Statement) => list(s.Action);
const resourcesOf = (s: Statement) => list(s.Resource as unknown).map(text);

function tableIds(resources: Resources): Map<string, TableLogicalName> {
  const ids = new Map<string, TableLogicalName>();
  for (const [id, r] of ofType(resources, 'AWS::DynamoDB::Table')) {
    const name = String(r.Properties?.TableName);
    const logical = TABLE_LOGICAL_NAMES.find((n) => name.endsWith(`-${n}`));
    if (logical) ids.set(id, logical);
  }
  return ids;
}

/** table → sorted DynamoDB actions a function may perform on it (its indexes included). */
function dynamoGrants(resources: Resources, statements: Statement[]): Record<string, string[]> {
  const ids = tableIds(resources);
  const grants: Record<string, Set<string>> = {};
  for (const s of statements) {
    const actions = actionsOf(s).filter((a) => a.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    for (const resource of resourcesOf(s)) {
      const match = /^\$\{([A-Za-z0-9]+)\.Arn\}(\/index\/\*)?$/.exec(resource);
      const table = match?.[1] ? ids.get(match[1]) : undefined;
      if (!table) throw new Error(`DynamoDB statement on something other than a table of the stack: ${resource}`);
      grants[table] ??= new Set();
      for (const a of actions) grants[table].add(a);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([t, a]) => [t, [...a].sort()]));
}

let dev: ReturnType<typeof synth>;
let prod: ReturnType<typeof synth>;
let extras: ReturnType<typeof synth>;
let direct: ReturnType<typeof synth>;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-sayings-infra-'));
  bundleDir = path.join(workDir, 'lambda');
  webDir = path.join(workDir, 'web');
  for (const name of [...FUNCTION_NAMES, ...OTHER_BUNDLES, ...JOB_FUNCTION_NAMES]) {
    fs.mkdirSync(path.join(bundleDir, name), { recursive: true });
    fs.writeFileSync(path.join(bundleDir, name, 'index.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
  }
  fs.mkdirSync(webDir, { recursive: true });
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Cloud Sayings</title>\n');
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'assets', 'home-ABCDEFGH.js'), 'console.log(1);\n');
  dev = synth({ envName: 'dev' });
  prod = synth({ envName: 'prod' });
  extras = synth({ envName: 'dev', settings: { redis: true, bedrockEnabled: true }, grantPutMetricData: true, alarmEmail: 'ops@example.com' });
  direct = synth({
    envName: 'staging',
    settings: { apiViaCloudFront: false, allowedOrigins: ['https://sayings.example.com'] },
    webDir: path.join(workDir, 'not-built'),
  });
}, 60_000);

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('Lambda functions', () => {
  it('are exactly the route handlers: nodejs24.x on arm64, from our bundles, timeout within API Gateway’s 29 s', () => {
    const fns = functionsOf(dev.resources);
    expect([...fns.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const { props } of fns.values()) {
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Handler).toBe('index.handler');
      expect(props.Timeout).toBeLessThanOrEqual(28);
      expect(props.MemorySize).toBeGreaterThanOrEqual(256);
      expect(props.LoggingConfig).toEqual({ LogGroup: expect.objectContaining({ Ref: expect.any(String) }) });
      expect(props.VpcConfig).toBeUndefined();
    }
  });

  it('get their configuration from the environment: APP_ENV, tables, parameter names, metrics, Bedrock', () => {
    for (const { props } of functionsOf(dev.resources).values()) {
      const env = (props.Environment as { Variables: Json }).Variables;
      expect(env).toMatchObject({
        APP_ENV: 'dev',
        LOG_LEVEL: 'debug',
        SECRETS_SOURCE: 'ssm',
        CLAUDE_PARAMETER_NAME: '/cloud-sayings/dev/api-key/anthropic',
        OPENAI_PARAMETER_NAME: '/cloud-sayings/dev/api-key/openai',
        METRICS_NAMESPACE: 'CloudSayings',
        POWERTOOLS_METRICS_NAMESPACE: 'CloudSayings',
        POWERTOOLS_SERVICE_NAME: 'cloud-sayings-dev',
        BEDROCK_ENABLED: 'false',
        BEDROCK_REGIONS: 'us-east-1,us-west-2,ap-northeast-1',
      });
      for (const [variable, logical] of [
        ['SAYINGS_TABLE', 'sayings'],
        ['FEEDBACK_TABLE', 'feedback'],
        ['USAGE_TABLE', 'usage'],
        ['API_KEYS_TABLE', 'apiKeys'],
        ['SESSIONS_TABLE', 'sessions'],
        ['JOBS_TABLE', 'jobs'],
      ] as const) {
        expect(dev.resources[(env[variable] as { Ref: string }).Ref]?.Properties?.TableName).toBe(`cloud-sayings-dev-${logical}`);
      }
      expect(env.REDIS_URL).toBeUndefined();
    }
  });

  it('log to groups kept one month; every log group of the stack has a retention', () => {
    const groups = ofType(dev.resources, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length + 1);
    for (const [, g] of groups) expect(g.Properties?.RetentionInDays).toBe(30);
    for (const { props } of functionsOf(dev.resources).values()) {
      const groupId = ((props.LoggingConfig as Json).LogGroup as { Ref: string }).Ref;
      expect(dev.resources[groupId]?.Type).toBe('AWS::Logs::LogGroup');
    }
  });
});

describe('DynamoDB tables', () => {
  it('are built from the shared table design: keys, indexes, TTL; on-demand with point-in-time recovery', () => {
    const tables = ofType(dev.resources, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(TABLE_LOGICAL_NAMES.length);
    for (const logical of TABLE_LOGICAL_NAMES) {
      const design = TABLES[logical];
      const expected: Json = {
        TableName: `cloud-sayings-dev-${logical}`,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        KeySchema: [
          { AttributeName: design.partitionKey.name, KeyType: 'HASH' },
          ...(design.sortKey ? [{ AttributeName: design.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        TimeToLiveSpecification: design.ttlAttribute ? { AttributeName: design.ttlAttribute, Enabled: true } : Match.absent(),
        GlobalSecondaryIndexes:
          design.globalSecondaryIndexes.length === 0
            ? Match.absent()
            : design.globalSecondaryIndexes.map((i) =>
                Match.objectLike({
                  IndexName: i.indexName,
                  Projection: Match.objectLike({ ProjectionType: i.projection.type }),
                  KeySchema: [
                    { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
                    ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' }] : []),
                  ],
                }),
              ),
      };
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', expected);
    }
  });

  it('are deleted with a dev stack but retained (and deletion-protected) in prod', () => {
    for (const [, t] of ofType(dev.resources, 'AWS::DynamoDB::Table')) {
      expect(t.DeletionPolicy).toBe('Delete');
      expect(t.Properties?.DeletionProtectionEnabled).toBe(false);
    }
    for (const [, t] of ofType(prod.resources, 'AWS::DynamoDB::Table')) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.UpdateReplacePolicy).toBe('Retain');
      expect(t.Properties?.DeletionProtectionEnabled).toBe(true);
    }
  });
});

describe('HTTP API', () => {
  it('routes each path to its own function with payload v2', () => {
    const fns = functionsOf(dev.resources);
    // The jobs routes and functions are asserted in test/infra/jobs-stack.test.ts.
    const routes = ofType(dev.resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {}).filter((r) => !String(r.RouteKey).includes(' /jobs'));
    const expected: Record<string, FunctionName> = {
      'GET /sayings': 'get-saying',
      'POST /feedback': 'submit-feedback',
      'GET /stats': 'get-stats',
      'GET /health': 'get-health',
      'POST /chat': 'chat',
      // The admin API is one function for its route group (test/infra/keys-stack.test.ts).
      'POST /admin/keys': 'manage-keys',
      'GET /admin/keys': 'manage-keys',
      'GET /admin/keys/{id}': 'manage-keys',
      'POST /admin/keys/{id}/revoke': 'manage-keys',
      'POST /admin/keys/{id}/rotate': 'manage-keys',
    };
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(Object.keys(expected).sort());
    for (const route of routes) {
      const integrationId = /integrations\/\$\{(\w+)\}/.exec(text(route.Target))?.[1] ?? '';
      const integration = dev.resources[integrationId]?.Properties ?? {};
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(text(integration.IntegrationUri)).toBe(`\${${fns.get(expected[String(route.RouteKey)] as FunctionName)?.id}.Arn}`);
    }
  });

  it('throttles the stage per environment', () => {
    for (const [result, env] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      result.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: ENVIRONMENTS[env].throttle.rateLimit,
          ThrottlingBurstLimit: ENVIRONMENTS[env].throttle.burstLimit,
        },
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      });
    }
  });

  it('allows the configured CORS origins; in direct mode also the CloudFront site; none at all when nothing calls cross-origin', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'] }),
    });
    const api = ofType(direct.resources, 'AWS::ApiGatewayV2::Api')[0]?.[1].Properties ?? {};
    const origins = ((api.CorsConfiguration as Json).AllowOrigins as unknown[]).map(text);
    expect(origins[0]).toBe('https://sayings.example.com');
    expect(origins[1]).toMatch(/^https:\/\/\$\{WebDistribution\w+\.DomainName\}$/);
    expect(ofType(prod.resources, 'AWS::ApiGatewayV2::Api')[0]?.[1].Properties?.CorsConfiguration).toBeUndefined();
  });
});

describe('IAM', () => {
  const variants = () => ({ dev, prod, extras, direct });

  it('no statement names `*` as its resource except PutMetricData, which is pinned to the namespace', () => {
    for (const [variant, result] of Object.entries(variants())) {
      const statements = allStatements(result.resources);
      expect(statements.length).toBeGreaterThan(0);
      for (const { owner, statement } of statements) {
        const resources = list(statement.Resource as unknown);
        for (const action of actionsOf(statement)) expect(`${variant} ${owner} ${action}`).not.toMatch(/(^|:)\*$/);
        if (!resources.includes('*')) continue;
        expect({ variant, owner, action: statement.Action }).toEqual({ variant, owner, action: 'cloudwatch:PutMetricData' });
        expect(resources).toEqual(['*']);
        expect(statement.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CloudSayings' } });
      }
    }
  });

  it('our function roles start empty: no AWS managed policy, logs only to their own group', () => {
    for (const { roleId, statements, props } of functionsOf(dev.resources).values()) {
      expect(dev.resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(dev.resources[roleId]?.Properties?.Policies).toBeUndefined();
      const logs = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      const groupId = ((props.LoggingConfig as Json).LogGroup as { Ref: string }).Ref;
      expect(resourcesOf(logs[0] as Statement)).toEqual([`\${${groupId}.Arn}`]);
      expect(actionsOf(logs[0] as Statement).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    }
  });

  it('each function reaches only its own tables, with only the actions it needs', () => {
    // The calls the DynamoDB adapters make for each route's use case (see infra/functions.ts).
    const expected: Record<FunctionName, Record<string, string[]>> = {
      'get-saying': {
        sayings: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        usage: ['dynamodb:PutItem'],
      },
      'submit-feedback': {
        sayings: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        feedback: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      },
      'get-stats': {
        sayings: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
        feedback: ['dynamodb:Query', 'dynamodb:Scan'],
        usage: ['dynamodb:Query', 'dynamodb:Scan'],
      },
      'get-health': { sayings: ['dynamodb:GetItem'] },
      chat: {
        sessions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        sayings: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
        usage: ['dynamodb:PutItem'],
      },
      'manage-keys': { apiKeys: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
    };
    const ids = tableIds(dev.resources);
    for (const [name, fn] of functionsOf(dev.resources)) {
      expect({ name, grants: dynamoGrants(dev.resources, fn.statements) }).toEqual({ name, grants: expected[name] });
      // Indexes only where the function queries a table that has some.
      for (const s of fn.statements.filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')))) {
        const resources = resourcesOf(s);
        const table = ids.get(/^\$\{(\w+)\.Arn\}/.exec(resources[0] ?? '')?.[1] ?? '') as TableLogicalName;
        const wantsIndex = actionsOf(s).includes('dynamodb:Query') && TABLES[table].globalSecondaryIndexes.length > 0;
        expect({ name, table, indexes: resources.some((r) => r.endsWith('/index/*')) }).toEqual({ name, table, indexes: wantsIndex });
      }
    }
  });

  it('SSM: the config path for everyone (GetParametersByPath only); the two key parameters only for the functions that call models; the admin token for manage-keys alone', () => {
    const arn = (suffix: string) => `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/cloud-sayings/dev${suffix}`;
    for (const [name, fn] of functionsOf(dev.resources)) {
      const ssm = fn.statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')) && !readsOriginSecret(s));
      const byPath = ssm.filter((s) => actionsOf(s).includes('ssm:GetParametersByPath'));
      expect(byPath).toHaveLength(1);
      expect(actionsOf(byPath[0] as Statement)).toEqual(['ssm:GetParametersByPath']);
      expect(resourcesOf(byPath[0] as Statement)).toEqual([arn(''), arn('/*')]);
      const single = ssm.filter((s) => actionsOf(s).some((a) => a === 'ssm:GetParameter' || a === 'ssm:GetParameters'));
      if (CALLS_MODELS.has(name)) {
        expect(single).toHaveLength(1);
        expect(resourcesOf(single[0] as Statement).sort()).toEqual([arn('/api-key/anthropic'), arn('/api-key/openai')]);
      } else if (name === 'manage-keys') {
        expect(single).toHaveLength(1);
        expect(actionsOf(single[0] as Statement)).toEqual(['ssm:GetParameter']);
        expect(resourcesOf(single[0] as Statement)).toEqual([arn('/admin/token')]);
      } else {
        expect(single).toHaveLength(0);
      }
      for (const s of ssm) for (const r of resourcesOf(s)) expect(r.startsWith(arn(''))).toBe(true);
    }
  });

  it('kms:Decrypt only through SSM in this region, only for the functions that read a SecureString (model keys, admin token)', () => {
    for (const [name, fn] of functionsOf(dev.resources)) {
      const kms = fn.statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kms).toHaveLength(CALLS_MODELS.has(name) || name === 'manage-keys' ? 1 : 0);
      for (const s of kms) {
        expect(actionsOf(s)).toEqual(['kms:Decrypt']);
        expect(text(s.Condition?.StringEquals?.['kms:ViaService'])).toBe('ssm.${AWS::Region}.amazonaws.com');
        expect(resourcesOf(s)).toEqual(['arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*']);
      }
    }
    const withKey = synth({ envName: 'dev', secretsKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    const kms = functionsOf(withKey.resources).get('get-saying')?.statements.filter((s) => actionsOf(s).includes('kms:Decrypt')) ?? [];
    expect(resourcesOf(kms[0] as Statement)).toEqual(['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
  });

  it('Bedrock: none while disabled; when enabled, only the functions that call models, on the catalog’s foundation models in the configured regions', () => {
    for (const fn of functionsOf(dev.resources).values()) {
      expect(fn.statements.flatMap(actionsOf).filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    }
    const modelIds = [...buildCatalog().values()].filter((m) => m.vendor === 'bedrock').map((m) => m.vendorModelId);
    expect(modelIds.length).toBeGreaterThan(0);
    for (const result of [prod, extras]) {
      for (const [name, fn] of functionsOf(result.resources)) {
        const bedrock = fn.statements.filter((s) => actionsOf(s).some((a) => a.startsWith('bedrock:')));
        if (!CALLS_MODELS.has(name)) {
          expect(bedrock).toHaveLength(0);
          continue;
        }
        expect(bedrock).toHaveLength(1);
        expect(actionsOf(bedrock[0] as Statement).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
        const regions = ENVIRONMENTS.prod.bedrockRegions;
        expect(resourcesOf(bedrock[0] as Statement).sort()).toEqual(
          regions.flatMap((region) => modelIds.map((id) => `arn:\${AWS::Partition}:bedrock:${region}::foundation-model/${id}`)).sort(),
        );
      }
    }
  });

  it('PutMetricData is granted only when asked for (the metrics are EMF log lines)', () => {
    const put = (result: typeof dev) => allStatements(result.resources).filter(({ statement }) => actionsOf(statement).includes('cloudwatch:PutMetricData'));
    expect(put(dev)).toHaveLength(0);
    // The route functions, the job functions (jobs-stack.test.ts) and the gateway's (gateway-stack.test.ts).
    expect(put(extras)).toHaveLength(FUNCTION_NAMES.length + JOB_FUNCTION_NAMES.length + 1);
  });
});

describe('secrets', () => {
  it('behind CloudFront the functions that tell clients apart take CloudFront-Viewer-Address, vouched for by the origin secret; directly, API Gateway’s address', () => {
    const viewerSettings = (result: typeof dev) =>
      Object.fromEntries(
        [...functionsOf(result.resources)].map(([name, f]) => {
          const v = (f.props.Environment as { Variables: Json }).Variables;
          return [name, v.CLIENT_IP_HEADER === undefined ? undefined : { header: v.CLIENT_IP_HEADER, secret: v.ORIGIN_SECRET_NAME }];
        }),
      );
    const expected = { header: 'cloudfront-viewer-address', secret: 'cloud-sayings-dev/origin-secret-v1' };
    expect(viewerSettings(dev)).toEqual({ 'get-saying': undefined, 'submit-feedback': expected, 'get-stats': undefined, 'get-health': undefined, chat: expected, 'manage-keys': undefined });
    expect(new Set(Object.values(viewerSettings(direct)))).toEqual(new Set([undefined]));
    // Nor the gateway (its own function URL, never behind CloudFront), the seed or the job functions.
    const routeIds = new Set([...functionsOf(dev.resources).values()].map((f) => f.id));
    for (const [id, r] of ofType(dev.resources, 'AWS::Lambda::Function')) {
      if (routeIds.has(id)) continue;
      expect(((r.Properties?.Environment as { Variables?: Json } | undefined)?.Variables ?? {}).CLIENT_IP_HEADER).toBeUndefined();
    }
  });

  it('the origin secret: generated by Secrets Manager, sent by CloudFront to the API only, in the template as a reference, readable by those two functions alone', () => {
    const secrets = ofType(dev.resources, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0]!;
    expect(secret.Properties).toMatchObject({ Name: 'cloud-sayings-dev/origin-secret-v1', GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
    expect(secret.Properties?.SecretString).toBeUndefined();
    expect(ofType(direct.resources, 'AWS::SecretsManager::Secret')).toHaveLength(0);

    const distribution = ofType(dev.resources, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Json;
    const origins = distribution.Origins as Json[];
    const headersOf = (o: Json) => ((o.CustomOriginConfig ? o.OriginCustomHeaders : undefined) ?? []) as { HeaderName: string; HeaderValue: unknown }[];
    const apiOrigins = origins.filter((o) => o.CustomOriginConfig !== undefined);
    expect(apiOrigins).toHaveLength(1);
    expect(headersOf(apiOrigins[0]!).map((h) => [h.HeaderName, text(h.HeaderValue)])).toEqual([['x-origin-verify', `{{resolve:secretsmanager:\${${secretId}}:SecretString:::}}`]]);
    // The pages' S3 origin gets nothing.
    for (const o of origins.filter((o) => o.CustomOriginConfig === undefined)) expect(o.OriginCustomHeaders).toBeUndefined();

    for (const [name, fn] of functionsOf(dev.resources)) {
      const reads = fn.statements.filter(readsOriginSecret);
      if (name === 'submit-feedback' || name === 'chat') {
        expect(reads.map((s) => [actionsOf(s), resourcesOf(s)])).toEqual([
          [['secretsmanager:GetSecretValue'], [`\${${secretId}}`]],
          [['ssm:GetParameter'], ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/aws/reference/secretsmanager/cloud-sayings-dev/origin-secret-v1']],
        ]);
      } else {
        expect(reads).toEqual([]);
      }
    }
    for (const { statement } of allStatements(dev.resources)) {
      if (actionsOf(statement).some((a) => a.startsWith('secretsmanager:'))) expect(resourcesOf(statement)).toEqual([`\${${secretId}}`]);
    }
  });

  it('the template creates no SSM parameter and carries no key material', () => {
    for (const result of [dev, prod, extras, direct]) {
      expect(ofType(result.resources, 'AWS::SSM::Parameter')).toHaveLength(0);
      // Outputs may name the parameters to create; resources must not create or hold one.
      const body = JSON.stringify(result.json);
      const resources = JSON.stringify(result.resources);
      expect(/sk-[A-Za-z0-9_-]{8,}/.test(body)).toBe(false);
      expect(/sk-ant-/.test(body)).toBe(false);
      expect(/SecureString/.test(resources)).toBe(false);
      expect(/"(ANTHROPIC|OPENAI)_API_KEY"/.test(body)).toBe(false);
      for (const { props } of functionsOf(result.resources).values()) {
        const env = (props.Environment as { Variables: Json }).Variables;
        // Only names and non-secret settings: every variable is on this list.
        const allowed = new Set([
          ...['APP_ENV', 'LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'METRICS_NAMESPACE', 'SECRETS_SOURCE'],
          ...['CLAUDE_PARAMETER_NAME', 'OPENAI_PARAMETER_NAME', 'ADMIN_TOKEN_PARAMETER_NAME', 'BEDROCK_ENABLED', 'BEDROCK_REGIONS', 'REDIS_URL', 'CLIENT_IP_HEADER', 'ORIGIN_SECRET_NAME', 'MODEL_OVERRIDES'],
          ...['SAYINGS_TABLE', 'FEEDBACK_TABLE', 'USAGE_TABLE', 'API_KEYS_TABLE', 'SESSIONS_TABLE', 'JOBS_TABLE'],
        ]);
        for (const name of Object.keys(env)) expect(allowed.has(name) ? name : `unexpected ${name}`).toBe(name);
      }
    }
  });
});

describe('alarms and dashboard', () => {
  it('alarm on each function’s errors and p95 duration, the API’s p95 latency and 5xx rate, and the hourly cost — all to one topic', () => {
    const alarms = ofType(dev.resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    const names = alarms.map((a) => String(a.AlarmName)).filter((n) => !/-(submit-job|get-job|job-worker|jobs-dlq)-/.test(n)).sort();
    expect(names).toEqual(
      [
        ...FUNCTION_NAMES.flatMap((n) => [`cloud-sayings-dev-${n}-errors`, `cloud-sayings-dev-${n}-duration-p95`]),
        'cloud-sayings-dev-api-latency-p95',
        'cloud-sayings-dev-api-5xx-rate',
        'cloud-sayings-dev-hourly-cost',
        // The gateway's own (gateway-stack.test.ts).
        'cloud-sayings-dev-gateway-errors',
        'cloud-sayings-dev-gateway-throttles',
      ].sort(),
    );
    const topicId = ofType(dev.resources, 'AWS::SNS::Topic')[0]?.[0];
    for (const a of alarms) expect((a.AlarmActions as unknown[]).map(text)).toEqual([`\${${topicId}}`]);

    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cloud-sayings-dev-get-saying-errors',
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: ENVIRONMENTS.dev.functionErrorsAlarm,
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'cloud-sayings-dev-api-latency-p95',
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p95',
      Threshold: ENVIRONMENTS.dev.apiP95LatencyAlarm.toMilliseconds(),
    });
    const cost = alarms.find((a) => a.AlarmName === 'cloud-sayings-dev-hourly-cost') ?? {};
    expect(cost.Threshold).toBe(ENVIRONMENTS.dev.hourlyCostAlarmUsd);
    const query = (cost.Metrics as { Expression?: string; Period?: number }[])[0];
    expect(query?.Expression).toBe(`SELECT SUM(Cost) FROM "CloudSayings" WHERE service = 'cloud-sayings-dev'`);
    expect(query?.Period).toBe(3600);
    const prodCost = ofType(prod.resources, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties?.AlarmName === 'cloud-sayings-prod-hourly-cost');
    expect(prodCost?.[1].Properties?.Threshold).toBe(ENVIRONMENTS.prod.hourlyCostAlarmUsd);
    extras.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('a dashboard shows requests, latency, errors, cost, tokens and cache hits', () => {
    const dashboards = ofType(dev.resources, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = text(dashboards[0]?.[1].Properties?.DashboardBody);
    for (const part of ['"Requests"', 'Latency', '"Errors"', 'SUM(Cost)', 'SUM(TokensUsed)', 'AVG(CacheHit)', 'AVG(APILatency)']) {
      expect(body).toContain(part);
    }
  });
});

describe('web pages', () => {
  it('a private, encrypted bucket readable only by the CloudFront distribution (OAC)', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    dev.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const policy = ofType(dev.resources, 'AWS::S3::BucketPolicy')[0]?.[1].Properties?.PolicyDocument as { Statement: Statement[] & Json[] };
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(text((allows[0]?.Condition?.StringEquals as Json)['AWS:SourceArn'])).toContain('distribution/');
  });

  it('serves index.html over HTTPS and, by default, the API paths from the same origin, uncached', () => {
    const distribution = ofType(dev.resources, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Json;
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect((distribution.DefaultCacheBehavior as Json).ViewerProtocolPolicy).toBe('redirect-to-https');
    const behaviors = distribution.CacheBehaviors as Json[];
    expect(behaviors.map((b) => b.PathPattern).filter((p) => !String(p).startsWith('/jobs')).sort()).toEqual(['/chat', '/feedback', '/health', '/sayings', '/stats']);
    for (const b of behaviors) {
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
      expect(b.AllowedMethods).toContain('POST');
    }
    const forwarded = ofType(dev.resources, 'AWS::CloudFront::OriginRequestPolicy')[0]?.[1].Properties?.OriginRequestPolicyConfig as Json;
    const headers = ((forwarded.HeadersConfig as Json).Headers as string[]).map((h) => h.toLowerCase());
    expect(headers).toContain('idempotency-key');
    expect(headers).not.toContain('host');
    const directDistribution = ofType(direct.resources, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Json;
    expect(directDistribution.CacheBehaviors).toBeUndefined();
  });

  it('deploys the pages and config.json (cached a minute) and the hashed assets (cached a year, deployed first)', () => {
    const deployments = Object.fromEntries(
      ofType(dev.resources, 'Custom::CDKBucketDeployment').map(([id, r]) => [id.includes('DeployAssets') ? 'assets' : 'pages', { id, r }]),
    );
    expect(Object.keys(deployments).sort()).toEqual(['assets', 'pages']);
    const pages = deployments.pages?.r.Properties ?? {};
    expect(pages.SourceObjectKeys as unknown[]).toHaveLength(2);
    expect(text(JSON.stringify(pages.SourceMarkers))).toContain('ApiEndpoint');
    expect(pages).toMatchObject({ Prune: true, Exclude: ['assets/*'], SystemMetadata: { 'cache-control': 'public, max-age=60' } });
    const assets = deployments.assets?.r.Properties ?? {};
    expect(assets).toMatchObject({
      Prune: false,
      DestinationBucketKeyPrefix: 'assets/',
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(JSON.stringify((dev.json.Resources as Resources)[deployments.pages?.id ?? ''])).toContain(deployments.assets?.id);
    // Without built pages only config.json goes up, and nothing is pruned.
    const unbuilt = ofType(direct.resources, 'Custom::CDKBucketDeployment').map(([, r]) => r.Properties ?? {});
    expect(unbuilt).toHaveLength(1);
    expect(unbuilt[0]?.SourceObjectKeys as unknown[]).toHaveLength(1);
    expect(unbuilt[0]?.Prune).toBe(false);
  });
});

describe('optional Redis', () => {
  it('off by default; when on, ElastiCache Serverless in a VPC reachable only from the functions, which get REDIS_URL', () => {
    dev.template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    dev.template.resourceCountIs('AWS::EC2::VPC', 0);
    extras.template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', { Engine: 'valkey', ServerlessCacheName: 'cloud-sayings-dev-cache' });
    const ingress = ofType(extras.resources, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties ?? {});
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ FromPort: 6379, ToPort: 6379, IpProtocol: 'tcp' });
    const clientGroup = text(ingress[0]?.SourceSecurityGroupId);
    for (const { props, roleId } of functionsOf(extras.resources).values()) {
      const env = (props.Environment as { Variables: Json }).Variables;
      expect(text(env.REDIS_URL)).toMatch(/^rediss:\/\/\$\{RedisCache\w*\.Endpoint\.Address\}:\$\{RedisCache\w*\.Endpoint\.Port\}$/);
      const vpc = props.VpcConfig as { SecurityGroupIds: unknown[] };
      expect(vpc.SecurityGroupIds.map(text)).toEqual([clientGroup]);
      // In a VPC, Lambda needs AWS's ENI policy (its EC2 actions have no resource-level form).
      expect(JSON.stringify(extras.resources[roleId]?.Properties?.ManagedPolicyArns)).toContain('AWSLambdaVPCAccessExecutionRole');
    }
  });
});

describe('the app', () => {
  it('builds one stack per environment from context, and rejects an unknown environment', () => {
    const context = { bundleDir, webDir };
    const all = buildApp({ context: { ...context, env: 'all' } });
    expect(all.node.children.map((c) => c.node.id).sort()).toEqual(['CloudSayings-dev', 'CloudSayings-prod', 'CloudSayings-staging']);
    const one = buildApp({ context });
    expect(one.node.children.map((c) => c.node.id)).toEqual(['CloudSayings-dev']);
    expect(() => buildApp({ context: { ...context, env: 'qa' } })).toThrow(/dev, staging, prod or all/);
  });

  it('modelOverrides reach every function as MODEL_OVERRIDES, and a changed Bedrock model id is the one granted', () => {
    const overrides = [{ key: 'bedrock-claude-3-haiku', vendorModelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', displayName: 'Claude 3.5 Haiku (Bedrock)' }];
    const app = buildApp({ context: { bundleDir, webDir, modelOverrides: JSON.stringify(overrides) } });
    const resources = (Template.fromStack(app.node.findChild('CloudSayings-dev') as CloudSayingsStack).toJSON() as { Resources: Resources }).Resources;
    const lambdas = ofType(resources, 'AWS::Lambda::Function').map(([, r]) => (r.Properties?.Environment as { Variables?: Json } | undefined)?.Variables ?? {});
    const ours = lambdas.filter((v) => v.APP_ENV !== undefined);
    expect(ours.length).toBeGreaterThan(5);
    for (const v of ours) expect(JSON.parse(String(v.MODEL_OVERRIDES))).toEqual(overrides);
    // Bedrock is off in dev by default; with it on, the grant names the new id and not the replaced one.
    const withBedrock = synth({ envName: 'dev', settings: { bedrockEnabled: true }, modelOverrides: JSON.stringify(overrides) });
    const bedrockArns = allStatements(withBedrock.resources).filter(({ statement }) => actionsOf(statement).includes('bedrock:InvokeModel')).flatMap(({ statement }) => resourcesOf(statement));
    expect(bedrockArns.some((a) => a.endsWith('foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0'))).toBe(true);
    expect(bedrockArns.some((a) => a.endsWith('foundation-model/anthropic.claude-3-haiku-20240307-v1:0'))).toBe(false);
    expect(() => buildApp({ context: { bundleDir, webDir, modelOverrides: '[{"key":"haiku","price":1}]' } })).toThrow(/modelOverrides: 0: Unrecognized key/);
  });

  it('rotates the origin secret by generation: a new secret name, and the distribution, functions and grants all follow it', () => {
    const stack = (generation?: string) => {
      const app = buildApp({ context: { bundleDir, webDir, ...(generation ? { originSecretGeneration: generation } : {}) } });
      const json = Template.fromStack(app.node.findChild('CloudSayings-dev') as CloudSayingsStack).toJSON() as { Resources: Resources };
      return JSON.stringify(json.Resources);
    };
    const first = stack();
    const second = stack('2');
    expect(first).toContain('cloud-sayings-dev/origin-secret-v1');
    expect(second).not.toContain('origin-secret-v1');
    // Name (replacement), Lambda environment and the SSM reference grant.
    expect(second.match(/cloud-sayings-dev\/origin-secret-v2/g)?.length).toBeGreaterThanOrEqual(4);
    expect(() => buildApp({ context: { bundleDir, webDir, originSecretGeneration: 'next' } })).toThrow(/originSecretGeneration must be a whole number/);
  });
});
