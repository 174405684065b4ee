import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudSayingsStack } from '../../infra/cloud-sayings-stack';
import { FUNCTION_NAMES } from '../../infra/functions';
import { list, ofType, type Json, type Resources, type Statement } from './template-support';

// Every bundle the stack deploys: the functions of infra/functions.ts, the deploy-time seeding function and the gateway.
const HANDLERS = [...FUNCTION_NAMES, 'seed-collection', 'gateway'];
let dev: Resources;
let withRedis: Resources;

beforeAll(() => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-infra-seed-'));
  const bundleDir = path.join(work, 'lambda');
  for (const name of HANDLERS) {
    fs.mkdirSync(path.join(bundleDir, name), { recursive: true });
    fs.writeFileSync(path.join(bundleDir, name, 'index.js'), 'exports.handler = async () => ({});\n');
  }
  const synth = (id: string, redis: boolean) =>
    Template.fromStack(new CloudSayingsStack(new App(), id, { envName: 'dev', bundleDir, settings: { redis } })).toJSON().Resources as Resources;
  dev = synth('SeedDev', false);
  withRedis = synth('SeedRedis', true);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('seeding the collection after a deployment (issue 4)', () => {
  it('a trigger runs the seed-collection function once the sayings table exists', () => {
    const [seedId] = ofType(dev, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CollectionSeedFunction')) ?? [];
    expect(seedId).toBeDefined();
    const triggers = ofType(dev, 'Custom::Trigger');
    expect(triggers).toHaveLength(1);
    const [, trigger] = triggers[0]!;
    expect(JSON.stringify(trigger.Properties?.HandlerArn)).toContain(seedId!.replace(/[0-9A-F]{8}$/, ''));
    const sayingsTable = ofType(dev, 'AWS::DynamoDB::Table').find(([, t]) => String(t.Properties?.TableName).endsWith('-sayings'))?.[0];
    expect(trigger.DependsOn).toEqual(expect.arrayContaining([sayingsTable]));
  });

  it('may only read the collection index and write sayings, and read the config path — no model keys', () => {
    const [, fn] = ofType(dev, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CollectionSeedFunction'))!;
    const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = ofType(dev, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
    const actions = statements.flatMap((s) => list(s.Action)).filter((a) => !a.startsWith('logs:')).sort();
    expect(actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'ssm:GetParametersByPath']);
    const dynamo = statements.find((s) => list(s.Action).includes('dynamodb:PutItem'))!;
    expect(JSON.stringify(dynamo.Resource)).toMatch(/Tablessayings/);
    expect(JSON.stringify(dynamo.Resource)).not.toMatch(/Tables(feedback|usage|apiKeys|sessions|jobs)/);
  });
});

describe('Redis availability alarm', () => {
  const redisAlarm = (r: Resources) => ofType(r, 'AWS::CloudWatch::Alarm').filter(([, a]) => String(a.Properties?.AlarmName).endsWith('-redis-unavailable'));

  it('exists only with Redis, on the minimum of DependencyAvailable for this deployment', () => {
    expect(redisAlarm(dev)).toHaveLength(0);
    const [alarm] = redisAlarm(withRedis);
    expect(alarm).toBeDefined();
    const query = JSON.stringify(alarm![1].Properties?.Metrics);
    expect(query).toContain('SELECT MIN(DependencyAvailable) FROM \\"CloudSayings\\" WHERE service = \'cloud-sayings-dev\'');
    expect(alarm![1].Properties).toMatchObject({ ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'notBreaching' });
  });
});
