import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { tableNames } from '../../src/adapters/aws/dynamodb/table-design';
import { addressWithoutPort } from '../../src/entrypoints/lambda/viewer-address';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { startAnthropicFake } from '../support/fakes/anthropic-fake';
import { startOpenAiFake } from '../support/fakes/openai-fake';

/*
 * The Lambda door end to end: the minified bundles that deploy (scripts/build-lambda.mjs), each run in a
 * fresh Node process as the Lambda runtime would, against DynamoDB Local, with API Gateway v2 events.
 */
const root = join(__dirname, '..', '..');
// Inside the repository, so that bundles built with LAMBDA_EXTERNAL_AWS_SDK=true would find the SDK in node_modules.
const outdir = join(root, '.cache', `lambda-test-${process.pid}`);
const prefix = `lambda-${process.pid}`;
const names = tableNames(prefix);

let dynamo: DynamoDbLocal;
let env: Record<string, string>;

beforeAll(async () => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, env: { ...process.env, BUILD_OUTDIR: outdir, BUILD_PARTS: 'lambda' }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  dynamo = await startDynamoDbLocal();
  await ensureTables(dynamo.client, names);
  env = {
    PATH: process.env.PATH ?? '',
    APP_ENV: 'dev',
    CONFIG_SOURCE: 'env',
    SECRETS_SOURCE: 'env',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SAYINGS_TABLE: names.sayings,
    FEEDBACK_TABLE: names.feedback,
    USAGE_TABLE: names.usage,
    API_KEYS_TABLE: names.apiKeys,
    SESSIONS_TABLE: names.sessions,
    JOBS_TABLE: names.jobs,
    LOG_LEVEL: 'warn',
    POWERTOOLS_METRICS_DISABLED: 'true',
    OFFLINE_MIN_LATENCY_MS: '0',
    OFFLINE_MAX_LATENCY_MS: '5',
  };
}, 90_000);

afterAll(async () => {
  await dynamo?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

interface Result {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** One cold start of `handler`, invoked once per event (asynchronously: fakes in this process must keep answering). */
async function invoke(
  handler: string,
  events: readonly unknown[],
  extraEnv: Record<string, string> = {},
): Promise<{ results: Result[]; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'invoke-lambda.cjs'), join(outdir, 'lambda', handler, 'index.js')], {
    env: { ...env, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  child.stdin.end(JSON.stringify(events));
  await exited;
  clearTimeout(timer);
  const marker = stdout.indexOf('@@RESULTS@@');
  if (marker < 0) throw new Error(`${handler} did not finish: ${stderr.slice(0, 2000)}`);
  return { results: JSON.parse(stdout.slice(marker + 11)) as Result[], stdout: stdout.slice(0, marker), stderr };
}

let seq = 0;
function event(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; query?: string; sourceIp?: string; base64?: boolean } = {}): APIGatewayProxyEventV2 {
  const raw = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '000000000000', apiId: 'test', domainName: 'test.execute-api', domainPrefix: 'test', requestId: `req-${++seq}-abcdefgh`,
      routeKey: `${method} ${path}`, stage: '$default', time: '', timeEpoch: 0,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: options.sourceIp ?? '192.0.2.1', userAgent: 'test' },
    },
    isBase64Encoded: options.base64 ?? false,
    ...(raw === undefined ? {} : { body: options.base64 ? Buffer.from(raw).toString('base64') : raw }),
  } as APIGatewayProxyEventV2;
}

const json = (r: Result) => JSON.parse(r.body) as Record<string, unknown> & { error?: { code: string; message: string } };

describe('Lambda handlers (bundled, one cold start per run)', () => {
  it('seed-collection stores the collection once, however often it runs', async () => {
    const first = await invoke('seed-collection', [{}, {}]);
    expect(first.results).toEqual([{ collection: 161 }, { collection: 161 }]);
    const health = (await invoke('get-health', [event('GET', '/health')])).results[0]!;
    expect(health.statusCode).toBe(200);
    expect(json(health)).toMatchObject({ status: 'ok', collection: { readable: true, sayings: 161 } });
  });

  it('get-saying serves the collection first, with the request id of the event', async () => {
    const { results } = await invoke('get-saying', [1, 2, 3].map(() => event('GET', '/sayings', { headers: { 'x-request-id': 'client-req-123456' } })));
    for (const r of results) {
      expect(r.statusCode).toBe(200);
      expect(r.headers['x-request-id']).toBe('client-req-123456');
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(json(r).source).toBe('From the Cloud Sayings collection');
    }
    expect(results.map((r) => json(r).requestNumber)).toEqual([1, 2, 3]);
  });

  it('submit-feedback counts a vote once per Idempotency-Key, reads base64 bodies, and answers bad input clearly', async () => {
    const saying = json((await invoke('get-saying', [event('GET', '/sayings')])).results[0]!) as { sayingId: string; saying: string; source: string };
    const vote = { sayingId: saying.sayingId, saying: saying.saying, source: saying.source, feedbackType: 'NEGATIVE', executionTime: 4, isCached: false };
    const { results, stdout, stderr } = await invoke('submit-feedback', [
      event('POST', '/feedback', { body: vote, headers: { 'idempotency-key': 'lambda-vote-1' } }),
      event('POST', '/feedback', { body: vote, headers: { 'idempotency-key': 'lambda-vote-1' }, base64: true }),
      event('POST', '/feedback', { body: '{"sayingId":', headers: {} }),
      event('POST', '/feedback', { body: vote, headers: { 'content-type': 'text/plain' } }),
      event('POST', '/feedback', { body: { ...vote, feedbackType: 'MEH' } }),
      // Flagged base64 but not base64: refused, not decoded into a truncated body.
      { ...event('POST', '/feedback'), isBase64Encoded: true, body: '{"sayingId": "not base64"}' },
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 200, 400, 415, 400, 400]);
    expect(json(results[1]!)).toMatchObject({ replayed: true, downvotes: json(results[0]!).downvotes });
    expect(results.slice(2).map((r) => json(r).error?.code)).toEqual(['invalid_json', 'unsupported_media_type', 'invalid_request', 'invalid_base64']);
    for (const r of results.slice(2)) expect(r.body).not.toMatch(/at .+\.(js|ts):\d+/);
    expect(`${stdout}${stderr}`).not.toMatch(/"level":"ERROR"/);
  });

  it('get-stats validates its query and reports the votes', async () => {
    const { results } = await invoke('get-stats', [event('GET', '/stats', { query: 'vendor=ibm' }), event('GET', '/stats')]);
    expect(results[0]!.statusCode).toBe(400);
    expect(json(results[0]!).error?.code).toBe('invalid_request');
    expect(results[1]!.statusCode).toBe(200);
    expect((json(results[1]!).totals as { downvotes: number }).downvotes).toBeGreaterThanOrEqual(1);
  });

  it('behind CloudFront, per-client vote limits use CloudFront-Viewer-Address — only on requests carrying the origin secret', async () => {
    const saying = json((await invoke('get-saying', [event('GET', '/sayings')])).results[0]!) as { sayingId: string; saying: string; source: string };
    const vote = { sayingId: saying.sayingId, saying: saying.saying, source: saying.source, feedbackType: 'POSITIVE', executionTime: 1, isCached: true };
    const secret = 'origin-secret-0123456789abcdefghijklmnopqrstuv';
    const viaCloudFront = (viewer: string, presented: string | null = secret) =>
      event('POST', '/feedback', {
        body: vote,
        sourceIp: '130.176.0.1',
        headers: { 'cloudfront-viewer-address': viewer, ...(presented === null ? {} : { 'x-origin-verify': presented }) },
      });
    const limited = { VOTES_PER_MINUTE: '1', CLIENT_IP_HEADER: 'cloudfront-viewer-address', ORIGIN_SECRET: secret };
    const { results, stdout, stderr } = await invoke('submit-feedback', [viaCloudFront('198.51.100.7:46532'), viaCloudFront('2001:db8::7:41000'), viaCloudFront('198.51.100.7:50000')], limited);
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 429]);
    expect(Number(results[2]!.headers['Retry-After'] ?? results[2]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(`${stdout}${stderr}`).not.toContain(secret);
    // Straight at the API (execute-api) a caller can set the header to anything, but not the secret: every one of
    // these counts against the address API Gateway saw, so the second is refused.
    const direct = await invoke('submit-feedback', [viaCloudFront('203.0.113.1:1', null), viaCloudFront('203.0.113.2:1', 'a-guess'), viaCloudFront('203.0.113.3:1', `${secret}x`)], limited);
    expect(direct.results.map((r) => r.statusCode)).toEqual([201, 429, 429]);
    // Without the setting, the header is ignored: everything comes from the one proxy address.
    const untrusted = await invoke('submit-feedback', [viaCloudFront('203.0.113.4:1'), viaCloudFront('203.0.113.5:1')], { VOTES_PER_MINUTE: '1' });
    expect(untrusted.results.map((r) => r.statusCode)).toEqual([201, 429]);
  });

  it('refuses to believe CLIENT_IP_HEADER with no origin secret to check it against: a clean error, the log says why', async () => {
    const { results, stdout, stderr } = await invoke('submit-feedback', [event('POST', '/feedback', { body: {} })], { CLIENT_IP_HEADER: 'cloudfront-viewer-address' });
    expect(results.map((r) => r.statusCode)).toEqual([500]);
    expect(json(results[0]!).error).toMatchObject({ code: 'internal_error' });
    expect(results[0]!.body).not.toMatch(/ORIGIN_SECRET|at .+\.(js|ts):\d+/);
    expect(`${stdout}${stderr}`).toMatch(/CLIENT_IP_HEADER is set but ORIGIN_SECRET is not/);
  });

  it('chat keeps its session in DynamoDB across cold starts, calls the live model through the lazily loaded SDK, and refuses bad input', async () => {
    const fake = await startOpenAiFake({ respond: () => ({ kind: 'ok', text: 'S3 keeps your objects.', usage: { inputTokens: 90, outputTokens: 6 } }) });
    try {
      const keys = { OPENAI_API_KEY: 'sk-bundle-test-000000000', OPENAI_BASE_URL: fake.url };
      const send = (data: Record<string, unknown>) => event('POST', '/chat', { body: { action: 'sendMessage', data } });
      const first = await invoke('chat', [send({ message: 'What is Amazon S3?', modelPreference: 'fast' }), send({ message: 'a\u0000b' })], keys);
      expect(first.results.map((r) => r.statusCode)).toEqual([200, 422]);
      expect(json(first.results[0]!)).toMatchObject({ model: 'gpt-4.1-mini', offline: false, reply: 'S3 keeps your objects.', costNano: 96_000 });
      expect(json(first.results[1]!).error?.code).toBe('null_byte');
      const sessionId = json(first.results[0]!).sessionId;
      const second = await invoke('chat', [event('POST', '/chat', { body: { action: 'getHistory', data: { sessionId } } })], keys);
      expect((json(second.results[0]!).turns as unknown[]).length).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('model SDKs live in lazy files beside the bundle, loaded on the first call: Anthropic through the chat bundle', async () => {
    const bundle = readFileSync(join(outdir, 'lambda', 'chat', 'index.js'), 'utf8');
    expect(bundle).toContain('require("./lazy/anthropic-llm-provider.js")');
    // The SDK's own code is not in index.js (its user agent names it), only in the lazy file.
    expect(bundle).not.toMatch(/Anthropic\/JS/);
    expect(readFileSync(join(outdir, 'lambda', 'chat', 'lazy', 'anthropic-llm-provider.js'), 'utf8')).toMatch(/Anthropic\/JS/);
    const fake = await startAnthropicFake({ respond: () => ({ kind: 'ok', text: 'Lambda runs your code.', usage: { inputTokens: 80, outputTokens: 5 } }) });
    try {
      const keys = { ANTHROPIC_API_KEY: 'sk-ant-bundle-test-0000000', ANTHROPIC_BASE_URL: fake.url };
      const { results } = await invoke('chat', [event('POST', '/chat', { body: { action: 'sendMessage', data: { message: 'What is AWS Lambda?', modelPreference: 'quality' } } })], keys);
      expect(results[0]!.statusCode).toBe(200);
      expect(json(results[0]!)).toMatchObject({ model: 'sonnet', offline: false, reply: 'Lambda runs your code.' });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it('a bad setting fails the cold start with a clean error response, and the log says which setting', async () => {
    const { results, stdout, stderr } = await invoke('get-health', [event('GET', '/health'), event('GET', '/health')], { VOTES_PER_MINUTE: 'lots' });
    expect(results.map((r) => r.statusCode)).toEqual([500, 500]);
    expect(json(results[0]!).error).toMatchObject({ code: 'internal_error' });
    expect(results[0]!.body).not.toMatch(/VOTES_PER_MINUTE|at .+\.(js|ts):\d+/);
    expect(`${stdout}${stderr}`).toMatch(/VOTES_PER_MINUTE/);
  });
});

describe('SSM unreachable at a cold start (FAULTS #14)', () => {
  let ssmCalls = 0;
  let ssm: Server;
  beforeAll(async () => {
    ssm = createServer((req, res) => {
      ssmCalls++;
      req.resume();
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"InternalServerError","message":"down"}');
    });
    await new Promise<void>((done) => ssm.listen(0, '127.0.0.1', done));
  });
  afterAll(() => new Promise<void>((done) => ssm.close(() => done())));

  it('answers 503 with Retry-After, and the next invocation tries SSM again instead of reusing the failure', async () => {
    const { port } = ssm.address() as AddressInfo;
    const { results, stdout, stderr } = await invoke('get-health', [event('GET', '/health'), event('GET', '/health')], {
      CONFIG_SOURCE: '',
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
    });
    expect(results.map((r) => r.statusCode)).toEqual([503, 503]);
    expect(json(results[0]!).error?.code).toBe('service_unavailable');
    expect(results[0]!.headers['Retry-After']).toBe('5');
    // Module load, then each invocation: three attempts at the configuration, each with the SDK's 2 tries.
    expect(ssmCalls).toBeGreaterThanOrEqual(3);
    expect(`${stdout}${stderr}`).toMatch(/configuration unreadable/);
  });
});

describe('the origin secret on AWS: Secrets Manager through SSM (ADR 0022)', () => {
  const secret = 'origin-secret-from-secrets-manager-0123456789';
  const reads: { target: string; name?: string; decrypt?: boolean }[] = [];
  let ssm: Server;
  beforeAll(async () => {
    // SSM's JSON protocol on the wire: the configuration path (empty) and the secret's reserved reference path.
    ssm = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = JSON.parse(body || '{}') as { Name?: string; WithDecryption?: boolean };
        reads.push({ target, ...(input.Name === undefined ? {} : { name: input.Name }), ...(input.WithDecryption === undefined ? {} : { decrypt: input.WithDecryption }) });
        const answer = (status: number, value: object) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(value));
        if (target.endsWith('GetParametersByPath')) return answer(200, { Parameters: [] });
        if (target.endsWith('GetParameter') && input.Name === '/aws/reference/secretsmanager/cloud-sayings-dev/origin-secret' && input.WithDecryption === true) {
          return answer(200, { Parameter: { Name: input.Name, Type: 'SecureString', Value: secret, Version: 1 } });
        }
        return answer(400, { __type: 'ParameterNotFound', message: 'no such parameter' });
      });
    });
    await new Promise<void>((done) => ssm.listen(0, '127.0.0.1', done));
  });
  afterAll(() => new Promise<void>((done) => ssm.close(() => done())));

  it('reads the secret once per cold start and believes the viewer address only beside it', async () => {
    const saying = json((await invoke('get-saying', [event('GET', '/sayings')])).results[0]!) as { sayingId: string; saying: string; source: string };
    const vote = { sayingId: saying.sayingId, saying: saying.saying, source: saying.source, feedbackType: 'NEGATIVE', executionTime: 1, isCached: true };
    const from = (viewer: string, presented: string) =>
      event('POST', '/feedback', { body: vote, sourceIp: '130.176.0.9', headers: { 'cloudfront-viewer-address': viewer, 'x-origin-verify': presented } });
    const { port } = ssm.address() as AddressInfo;
    const { results, stdout, stderr } = await invoke('submit-feedback', [from('198.51.100.21:1', secret), from('198.51.100.22:1', secret), from('198.51.100.23:1', 'wrong'), from('198.51.100.24:1', 'wrong')], {
      CONFIG_SOURCE: '',
      SECRETS_SOURCE: 'ssm',
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
      CLIENT_IP_HEADER: 'cloudfront-viewer-address',
      ORIGIN_SECRET_NAME: 'cloud-sayings-dev/origin-secret',
      VOTES_PER_MINUTE: '1',
    });
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 429]);
    expect(reads.filter((r) => r.target.endsWith('GetParameter'))).toEqual([
      { target: 'AmazonSSM.GetParameter', name: '/aws/reference/secretsmanager/cloud-sayings-dev/origin-secret', decrypt: true },
    ]);
    expect(`${stdout}${stderr}`).not.toContain(secret);
  });
});

describe('addressWithoutPort (CloudFront-Viewer-Address)', () => {
  it.each([
    ['198.51.100.7:46532', '198.51.100.7'],
    ['2001:db8::7:46532', '2001:db8::7'],
    ['[2001:db8::7]:46532', '2001:db8::7'],
    ['198.51.100.7', undefined],
    ['not an address:80', undefined],
    ['<script>:1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, address) => {
    expect(addressWithoutPort(header)).toBe(address);
  });
});
