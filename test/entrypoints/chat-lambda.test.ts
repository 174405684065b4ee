import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbUsageLedger } from '../../src/adapters/aws/dynamodb/dynamodb-usage-ledger';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import { startAnthropicFake } from '../support/fakes/anthropic-fake';
import { startOpenAiFake } from '../support/fakes/openai-fake';
import type { FakeServer } from '../support/fakes/scripted-http';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

/*
 * The `/chat` Lambda handler module itself, as the bundle runs it: configuration from the environment, the aws
 * container (DynamoDB Local for sessions, sayings and usage), the real OpenAI and Anthropic SDKs against the
 * wire fakes, API Gateway v2 events in and out. Two handler instances stand for two Lambda containers.
 */

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

let local: DynamoDbLocal;
let openai: FakeServer;
let anthropic: FakeServer;
const tables = { sayings: `lambda-${process.pid}-sayings`, feedback: `lambda-${process.pid}-feedback`, usage: `lambda-${process.pid}-usage`, sessions: `lambda-${process.pid}-sessions` };
const stdout: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  local = await startDynamoDbLocal();
  await ensureTables(local.client, tables);
  openai = await startOpenAiFake({ respond: () => ({ kind: 'ok', text: 'A reply from the OpenAI fake.', usage: { inputTokens: 200, outputTokens: 10 } }) });
  anthropic = await startAnthropicFake({ respond: () => ({ kind: 'ok', text: 'A reply from the Anthropic fake.', usage: { inputTokens: 200, outputTokens: 10 } }) });
  Object.assign(process.env, {
    CONFIG_SOURCE: 'env',
    APP_ENV: 'dev',
    LOG_LEVEL: 'silent',
    SECRETS_SOURCE: 'env',
    OPENAI_API_KEY: 'sk-lambda-test-0000000000',
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_API_KEY: 'sk-ant-lambda-test-00000',
    ANTHROPIC_BASE_URL: anthropic.url,
    SAYINGS_TABLE: tables.sayings,
    FEEDBACK_TABLE: tables.feedback,
    USAGE_TABLE: tables.usage,
    SESSIONS_TABLE: tables.sessions,
    API_KEYS_TABLE: `lambda-${process.pid}-apiKeys`,
    DYNAMODB_ENDPOINT: local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(String(chunk));
    return typeof rest[rest.length - 1] === 'function' ? (rest[rest.length - 1] as () => void)() ?? true : true;
  }) as typeof process.stdout.write;
}, 600_000);

afterAll(async () => {
  process.stdout.write = realWrite;
  await openai?.close();
  await anthropic?.close();
  await local?.stop();
});

/** A fresh module instance of the handler: a new Lambda container (its own cold start). */
async function coldStart(): Promise<Handler> {
  let mod: { handler: Handler; ready: Promise<unknown> } | undefined;
  jest.isolateModules(() => {
    mod = jest.requireActual('../../src/entrypoints/lambda/chat.handler');
  });
  if (!mod) throw new Error('handler did not load');
  await mod.ready;
  return mod.handler;
}

function event(body: unknown, raw?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /chat',
    rawPath: '/chat',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/chat', sourceIp: '203.0.113.7', protocol: 'HTTP/1.1', userAgent: 'jest' }, requestId: 'req-1' },
    body: raw ?? JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const json = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body)) as Record<string, unknown> & { error?: { code: string } };

describe('the /chat Lambda handler on the aws profile', () => {
  it('keeps a session in DynamoDB (with its TTL) that another container continues, and records chat metrics as EMF', async () => {
    const a = await coldStart();
    const first = await a(event({ action: 'sendMessage', data: { message: 'What is Amazon S3?', modelPreference: 'fast' } }));
    expect(first.statusCode).toBe(200);
    const body = json(first);
    expect(body).toMatchObject({ model: 'gpt-4.1-mini', offline: false, reply: 'A reply from the OpenAI fake.', language: 'en', turnCount: 1, costNano: 210 * 1_000 });
    const sessionId = String(body.sessionId);

    const doc = DynamoDBDocumentClient.from(local.client);
    const item = (await doc.send(new GetCommand({ TableName: tables.sessions, Key: { pk: sessionId }, ConsistentRead: true }))).Item;
    expect(item).toMatchObject({ entity: 'session', version: 1, turns: [expect.objectContaining({ message: 'What is Amazon S3?' })] });
    expect(item?.expiresAt).toBe(Math.ceil(Number(item?.expiresAtMs) / 1000));

    const b = await coldStart();
    const second = await b(event({ action: 'sendMessage', data: { message: 'Thanks, and Amazon EBS?', sessionId, modelPreference: 'quality' } }));
    expect(json(second)).toMatchObject({ sessionId, model: 'sonnet', historyTurns: 1, turnCount: 2 });
    const history = json(await a(event({ action: 'getHistory', data: { sessionId } })));
    expect((history.turns as { model: string }[]).map((t) => t.model)).toEqual(['gpt-4.1-mini', 'sonnet']);
    expect(stdout.join('')).toMatch(/"channel":"chat"/);
    // The ledger's DynamoDB items read back as chat entries, which /stats counts.
    const ledger = new DynamoDbUsageLedger({ client: doc, tableName: tables.usage });
    const entries = (await ledger.list({ from: Date.now() - 60_000, to: Date.now() + 1_000 })).filter((e) => e.channel === 'chat');
    expect(entries.map((e) => e.model).sort()).toEqual(['gpt-4.1-mini', 'sonnet']);
    expect(entries.every((e) => e.status === 'ok' && e.spend?.costNano !== undefined)).toBe(true);
  });

  it('answers bad input and unknown sessions in the API error shape, never a 500', async () => {
    const handler = await coldStart();
    const bad = await handler(event({ action: 'sendMessage', data: { message: 'hi', sessionId: 'nope' } }));
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error?.code).toBe('invalid_session_id');
    const missing = await handler(event({ action: 'getHistory', data: { sessionId: '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f' } }));
    expect(missing.statusCode).toBe(404);
    const broken = await handler(event(undefined, '{"action":'));
    expect(json(broken).error?.code).toBe('invalid_json');
    const nul = await handler(event({ action: 'sendMessage', data: { message: 'a\u0000b' } }));
    expect([nul.statusCode, json(nul).error?.code]).toEqual([422, 'null_byte']);
  });
});
