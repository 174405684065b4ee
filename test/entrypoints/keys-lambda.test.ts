import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { tableNames } from '../../src/adapters/aws/dynamodb/table-design';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

/*
 * The manage-keys Lambda as it deploys: its minified bundle in a fresh Node process, API Gateway v2 events for
 * the admin route group, DynamoDB Local, and the admin token from SSM (a small awsJson fake of GetParameter).
 */
const root = join(__dirname, '..', '..');
const outdir = join(root, '.cache', `keys-lambda-test-${process.pid}`);
const names = tableNames(`keys-lambda-${process.pid}`);
const ADMIN_TOKEN = 'lambda-canary-admin-token-9d8c7b6a5f4e3d2c1b0a';

let dynamo: DynamoDbLocal;
let ssm: Server;
const ssmRequests: { target: string; body: Record<string, unknown> }[] = [];
let ssmMode: 'up' | 'down' | 'missing' = 'up';

beforeAll(async () => {
  const built = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import('./scripts/build-lambda.mjs'); await m.default(${JSON.stringify(outdir)});`], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(built.stderr);
  dynamo = await startDynamoDbLocal();
  await ensureTables(dynamo.client, names);
  ssm = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      ssmRequests.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(raw || '{}') as Record<string, unknown> });
      if (ssmMode === 'down') {
        res.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'InternalServerError', message: 'down' }));
        return;
      }
      if (ssmMode === 'missing') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ParameterNotFound', message: 'no such parameter' }));
        return;
      }
      const name = String(ssmRequests.at(-1)?.body.Name);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: ADMIN_TOKEN, Version: 1 } }));
    });
  });
  await new Promise<void>((done) => ssm.listen(0, '127.0.0.1', done));
}, 120_000);

afterAll(async () => {
  await new Promise<void>((done) => ssm.close(() => done()));
  await dynamo?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

interface Result {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function invoke(events: readonly unknown[]): Promise<{ results: Result[]; output: string }> {
  const env = {
    PATH: process.env.PATH ?? '', APP_ENV: 'dev', CONFIG_SOURCE: 'env', SECRETS_SOURCE: 'ssm', AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`,
    SAYINGS_TABLE: names.sayings, FEEDBACK_TABLE: names.feedback, USAGE_TABLE: names.usage, SESSIONS_TABLE: names.sessions, API_KEYS_TABLE: names.apiKeys,
    ADMIN_TOKEN_PARAMETER_NAME: '/cloud-sayings/dev/admin/token', LOG_LEVEL: 'info', POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'invoke-lambda.cjs'), join(outdir, 'lambda', 'manage-keys', 'index.js')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
  if (marker < 0) throw new Error(`manage-keys did not finish: ${stderr.slice(0, 2000)}`);
  return { results: JSON.parse(stdout.slice(marker + 11)) as Result[], output: stdout.slice(0, marker) + stderr };
}

let seq = 0;
function event(method: string, template: string, options: { id?: string; body?: unknown; token?: string; headers?: Record<string, string>; query?: string } = {}) {
  const path = template.replace('{id}', options.id ?? '');
  return {
    version: '2.0',
    routeKey: `${method} ${template}`,
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.id !== undefined ? { pathParameters: { id: options.id } } : {}),
    requestContext: {
      accountId: '000000000000', apiId: 'test', domainName: 'test', domainPrefix: 'test', requestId: `keys-${++seq}-abcdefgh`, routeKey: `${method} ${template}`,
      stage: '$default', time: '', timeEpoch: 0, http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.9', userAgent: 'test' },
    },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  };
}
const body = (r: Result | undefined) => JSON.parse(r?.body ?? '{}') as Record<string, unknown> & { error?: { code: string } };

describe('manage-keys Lambda (bundled, aws profile, admin token from SSM)', () => {
  it('serves the admin route group; reads the token from SSM once per cold start; stores only hashes; logs no secret', async () => {
    const first = await invoke([event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'from lambda', budgetUsd: 1 } })]);
    const created = body(first.results[0]) as { id: string; key: string };
    expect(first.results[0]?.statusCode).toBe(201);
    ssmRequests.length = 0;
    const id = created.id;
    const { results, output } = await invoke([
      event('POST', '/admin/keys', { body: { name: 'x' } }),
      event('GET', '/admin/keys', { token: ADMIN_TOKEN }),
      event('GET', '/admin/keys/{id}', { id, token: ADMIN_TOKEN }),
      event('POST', '/admin/keys/{id}/rotate', { id, token: ADMIN_TOKEN, body: { graceSeconds: 60 } }),
      event('POST', '/admin/keys/{id}/revoke', { id, token: ADMIN_TOKEN }),
      event('POST', '/admin/keys/{id}/rotate', { id, token: ADMIN_TOKEN }),
      event('GET', '/admin/keys/{id}', { id: 'key_nope', token: ADMIN_TOKEN }),
      event('GET', '/admin/keys', { token: created.key }),
      event('GET', '/sayings', { token: ADMIN_TOKEN }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([401, 200, 200, 201, 200, 409, 400, 403, 404]);
    expect((body(results[1]).keys as { id: string }[]).map((k) => k.id)).toContain(id);
    expect(body(results[2])).toMatchObject({ id, name: 'from lambda', budget: { limitNano: 1_000_000_000 } });
    const rotated = body(results[3]) as { key: string };
    expect(body(results[4])).toMatchObject({ status: 'revoked' });
    expect(results[3]?.headers['Cache-Control'] ?? results[3]?.headers['cache-control']).toBe('no-store');
    expect(results.slice(5).map((r) => body(r).error?.code)).toEqual(['key_revoked', 'invalid_request', 'forbidden', 'not_found']);
    // One GetParameter, decrypted, on the configured name, for the whole cold start.
    expect(ssmRequests).toEqual([{ target: 'AmazonSSM.GetParameter', body: { Name: '/cloud-sayings/dev/admin/token', WithDecryption: true } }]);
    for (const secret of [ADMIN_TOKEN, created.key, rotated.key]) expect(output.includes(secret)).toBe(false);
    const items = await dynamo.client.send(new ScanCommand({ TableName: names.apiKeys }));
    expect(items.Items?.length).toBe(3);
    for (const secret of [created.key, rotated.key]) expect(JSON.stringify(items.Items).includes(secret)).toBe(false);
  }, 60_000);

  it('a create retried with its Idempotency-Key, in another cold start: 200 replayed, no value, one key in the table; the list pages', async () => {
    const idem = { 'idempotency-key': `lambda-idem-${process.pid}` };
    const first = await invoke([event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'idempotent from lambda' }, headers: idem })]);
    expect(first.results[0]?.statusCode).toBe(201);
    const made = body(first.results[0]) as { id: string; key: string };
    const retried = await invoke([
      event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'idempotent from lambda' }, headers: idem }),
      event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'another request' }, headers: idem }),
      event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'x' }, headers: { 'idempotency-key': 'two words' } }),
      event('GET', '/admin/keys', { token: ADMIN_TOKEN, query: 'limit=1' }),
      event('GET', '/admin/keys', { token: ADMIN_TOKEN, query: 'limit=0' }),
    ]);
    expect(retried.results.map((r) => r.statusCode)).toEqual([200, 409, 400, 200, 400]);
    // The newest key first, one a page, more to follow.
    expect(body(retried.results[3])).toMatchObject({ keys: [{ id: made.id }], hasMore: true, nextAfter: made.id });
    expect(body(retried.results[0])).toMatchObject({ id: made.id, replayed: true });
    expect(retried.results[0]?.body.includes(made.key)).toBe(false);
    expect(retried.results[0]?.headers['Idempotent-Replayed'] ?? retried.results[0]?.headers['idempotent-replayed']).toBe('true');
    expect(body(retried.results[1]).error?.code).toBe('idempotency_key_reused');
    const items = await dynamo.client.send(new ScanCommand({ TableName: names.apiKeys }));
    expect(JSON.stringify(items.Items).match(/idempotent from lambda/g)).toHaveLength(1);
    expect(JSON.stringify(items.Items).includes(idem['idempotency-key'])).toBe(false);
  }, 60_000);

  it('SSM down: the admin API answers 503 with Retry-After; the token parameter missing: 503 admin_not_configured; never open', async () => {
    try {
      ssmMode = 'down';
      const down = await invoke([event('GET', '/admin/keys', { token: ADMIN_TOKEN }), event('GET', '/admin/keys')]);
      expect(down.results.map((r) => [r.statusCode, body(r).error?.code])).toEqual([[503, 'admin_unavailable'], [503, 'admin_unavailable']]);
      expect(down.results[0]?.headers['Retry-After']).toBe('5');
      ssmMode = 'missing';
      const missing = await invoke([event('POST', '/admin/keys', { token: ADMIN_TOKEN, body: { name: 'x' } })]);
      expect(missing.results.map((r) => [r.statusCode, body(r).error?.code])).toEqual([[503, 'admin_not_configured']]);
    } finally {
      ssmMode = 'up';
    }
  }, 60_000);
});
