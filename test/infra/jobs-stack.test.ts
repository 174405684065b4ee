import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudSayingsStack } from '../../infra/cloud-sayings-stack';
import { FUNCTION_NAMES, FUNCTION_SPECS, isRouteSpec } from '../../infra/functions';
import { list, ofType, type Json, type Resources, type Statement } from './template-support';

/* The batch-jobs part of the stack (ADR 0019): queue, DLQ, event source, DLQ alarm, jobs functions and their IAM. */

const ref = (v: unknown): string => {
  const o = v as Json;
  if (o && typeof o === 'object' && 'Ref' in o) return String(o.Ref);
  if (o && typeof o === 'object' && 'Fn::GetAtt' in o) return (o['Fn::GetAtt'] as string[]).join('.');
  return JSON.stringify(v);
};
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());

let work: string;
let resources: Resources;
let template: Template;
let bedrock: Resources;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-jobs-infra-'));
  for (const name of [...FUNCTION_NAMES, 'seed-collection', 'gateway']) {
    fs.mkdirSync(path.join(work, 'lambda', name), { recursive: true });
    fs.writeFileSync(path.join(work, 'lambda', name, 'index.js'), 'exports.handler = async () => ({});\n');
  }
  const synth = (settings: Json) => {
    const stack = new CloudSayingsStack(new App(), 'Jobs', { envName: 'dev', bundleDir: path.join(work, 'lambda'), webDir: path.join(work, 'none'), settings });
    return Template.fromStack(stack);
  };
  template = synth({});
  resources = template.toJSON().Resources as Resources;
  bedrock = synth({ bedrockEnabled: true }).toJSON().Resources as Resources;
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function queueIds(): { queue: string; dlq: string } {
  const queues = ofType(resources, 'AWS::SQS::Queue');
  const queue = queues.find(([, q]) => q.Properties?.QueueName === 'cloud-sayings-dev-jobs')?.[0];
  const dlq = queues.find(([, q]) => q.Properties?.QueueName === 'cloud-sayings-dev-jobs-dlq')?.[0];
  if (!queue || !dlq) throw new Error('jobs queues not found');
  return { queue, dlq };
}

function fn(name: string, from: Resources = resources): { id: string; props: Json; statements: Statement[] } {
  const [id, r] = ofType(from, 'AWS::Lambda::Function').find(([fid]) => fid.startsWith(pascal(name))) ?? [];
  if (!id || !r) throw new Error(`function ${name} not found`);
  const roleId = (r.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const statements = ofType(from, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return { id, props: r.Properties ?? {}, statements };
}

const sqsActions = (statements: Statement[]) =>
  statements.filter((s) => list(s.Action).some((a) => a.startsWith('sqs:'))).map((s) => ({ actions: list(s.Action).sort(), resources: list(s.Resource).map(ref) }));

describe('jobs queue and dead-letter queue', () => {
  it('a standard queue: visibility 6 × the consumer’s timeout, 4 days, SSE, long polling, dead-lettering after maxReceiveCount', () => {
    const { queue, dlq } = queueIds();
    const consumer = FUNCTION_SPECS.find((s) => s.name === 'job-worker');
    const q = resources[queue]?.Properties ?? {};
    expect(q.VisibilityTimeout).toBe((consumer?.timeoutSeconds ?? 0) * 6);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (consumer?.timeoutSeconds ?? Infinity));
    expect(q.MessageRetentionPeriod).toBe(4 * 86_400);
    expect(q.SqsManagedSseEnabled).toBe(true);
    expect(q.ReceiveMessageWaitTimeSeconds).toBe(20);
    expect(q.FifoQueue).toBeUndefined();
    expect(q.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 });
    const d = resources[dlq]?.Properties ?? {};
    expect(d.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(d.SqsManagedSseEnabled).toBe(true);
  });

  it('both refuse requests without TLS', () => {
    const { queue, dlq } = queueIds();
    for (const id of [queue, dlq]) {
      const policy = ofType(resources, 'AWS::SQS::QueuePolicy').find(([, p]) => (p.Properties?.Queues as unknown[]).map(ref).includes(id));
      const statements = (policy?.[1].Properties?.PolicyDocument as { Statement: Json[] }).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('feeds the consumer through an event source with ReportBatchItemFailures, small batches and a concurrency ceiling', () => {
    const { queue } = queueIds();
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const m = mappings[0]?.[1].Properties ?? {};
    expect(m).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: fn('job-worker').id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('alarms (and clears) into the alarm topic as soon as one message is in the DLQ', () => {
    const { dlq } = queueIds();
    const [, alarm] = ofType(resources, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties?.AlarmName === 'cloud-sayings-dev-jobs-dlq-depth') ?? [];
    const topic = ofType(resources, 'AWS::SNS::Topic')[0]?.[0];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect((alarm?.Properties?.AlarmActions as unknown[]).map(ref)).toEqual([topic]);
    expect((alarm?.Properties?.OKActions as unknown[]).map(ref)).toEqual([topic]);
  });
});

describe('jobs functions', () => {
  it('POST /jobs and GET /jobs/{id} are routes of their own functions; the consumer has no route and a longer timeout', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {});
    const integrationOf = (key: string) => {
      const target = JSON.stringify(routes.find((r) => r.RouteKey === key)?.Target);
      const integrationId = /"Ref":"(\w+)"/.exec(target)?.[1] ?? '';
      return JSON.stringify(resources[integrationId]?.Properties?.IntegrationUri);
    };
    expect(integrationOf('POST /jobs')).toContain(fn('submit-job').id);
    expect(integrationOf('GET /jobs/{id}')).toContain(fn('get-job').id);
    expect(routes.map((r) => String(r.RouteKey)).filter((k) => k.includes('job'))).toEqual(expect.arrayContaining(['POST /jobs', 'GET /jobs/{id}']));
    for (const spec of FUNCTION_SPECS) if (isRouteSpec(spec)) expect(spec.timeoutSeconds).toBeLessThanOrEqual(28);
    expect(fn('job-worker').props.Timeout).toBe(60);
  });

  it('only the jobs functions are told where the queues are, with the redrive policy’s maxReceiveCount', () => {
    const { queue, dlq } = queueIds();
    for (const name of ['submit-job', 'get-job', 'job-worker']) {
      const env = (fn(name).props.Environment as { Variables: Json }).Variables;
      expect(env).toMatchObject({ JOBS_QUEUE: 'sqs', JOBS_QUEUE_URL: { Ref: queue }, JOBS_DLQ_URL: { Ref: dlq }, JOBS_MAX_RECEIVE_COUNT: '5' });
    }
    for (const name of ['get-saying', 'submit-feedback', 'get-stats', 'get-health']) {
      expect(Object.keys((fn(name).props.Environment as { Variables: Json }).Variables).filter((k) => k.startsWith('JOBS_QUEUE'))).toEqual([]);
    }
  });

  it('SQS: SendMessage on the queue for POST /jobs alone; the consumer’s four actions on the queue alone; nobody else, nothing on the DLQ', () => {
    const { queue } = queueIds();
    const queueArn = `${queue}.Arn`;
    expect(sqsActions(fn('submit-job').statements)).toEqual([{ actions: ['sqs:SendMessage'], resources: [queueArn] }]);
    expect(sqsActions(fn('job-worker').statements)).toEqual([
      { actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], resources: [queueArn] },
    ]);
    for (const name of ['get-job', 'get-saying', 'submit-feedback', 'get-stats', 'get-health']) expect(sqsActions(fn(name).statements)).toEqual([]);
  });

  it('DynamoDB: exactly the table actions each jobs function calls', () => {
    const tableOf = (r: string) => {
      const id = /^([A-Za-z0-9]+)\.Arn/.exec(r)?.[1] ?? /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(r)?.[1] ?? '';
      const name = String(resources[id]?.Properties?.TableName ?? r).replace('cloud-sayings-dev-', '');
      return r.includes('/index/*') ? `${name}/index/*` : name;
    };
    const grants = (name: string) => {
      const out: Record<string, string[]> = {};
      for (const s of fn(name).statements) {
        const actions = list(s.Action).filter((a) => a.startsWith('dynamodb:'));
        if (actions.length === 0) continue;
        for (const r of list(s.Resource).map(ref)) out[tableOf(r)] = [...new Set([...(out[tableOf(r)] ?? []), ...actions])].sort();
      }
      return out;
    };
    expect(grants('submit-job')).toEqual({ jobs: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] });
    expect(grants('get-job')).toEqual({ jobs: ['dynamodb:Query'] });
    expect(grants('job-worker')).toEqual({
      jobs: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      sayings: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      // listCollection queries the sayings' `collection` index; the jobs table's index is nobody's.
      'sayings/index/*': ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      usage: ['dynamodb:PutItem'],
    });
  });

  it('the consumer reads the model keys and, when Bedrock is on, calls it; the jobs routes never do', () => {
    const has = (name: string, prefix: string, from?: Resources) => fn(name, from).statements.some((s) => list(s.Action).some((a) => a.startsWith(prefix)));
    expect(has('job-worker', 'kms:')).toBe(true);
    expect(fn('job-worker').statements.some((s) => list(s.Action).includes('ssm:GetParameter'))).toBe(true);
    expect(has('job-worker', 'bedrock:', bedrock)).toBe(true);
    for (const name of ['submit-job', 'get-job']) {
      expect(has(name, 'kms:')).toBe(false);
      expect(has(name, 'bedrock:', bedrock)).toBe(false);
      expect(fn(name).statements.some((s) => list(s.Action).includes('ssm:GetParameter'))).toBe(false);
    }
  });

  it('no jobs statement names `*`, and the jobs functions get the same error and duration alarms as the others', () => {
    for (const name of ['submit-job', 'get-job', 'job-worker']) {
      for (const s of fn(name).statements) expect(list(s.Resource)).not.toContain('*');
    }
    const names = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => String(a.Properties?.AlarmName));
    for (const name of ['submit-job', 'get-job', 'job-worker']) {
      expect(names).toEqual(expect.arrayContaining([`cloud-sayings-dev-${name}-errors`, `cloud-sayings-dev-${name}-duration-p95`]));
    }
  });

  it('the event source mapping waits for the consumer’s policy, which it checks on creation', () => {
    const [, mapping] = ofType(resources, 'AWS::Lambda::EventSourceMapping')[0] ?? [];
    const roleId = (resources[fn('job-worker').id]?.Properties?.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
    const policyIds = ofType(resources, 'AWS::IAM::Policy').filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((x) => x.Ref === roleId)).map(([id]) => id);
    expect(mapping?.DependsOn).toEqual(expect.arrayContaining([roleId, ...policyIds]));
  });
});
