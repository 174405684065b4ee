import { GetParameterCommand, InternalServerError, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SsmSecretStore } from '../../src/adapters/aws/ssm-secret-store';
import { SecretStoreError } from '../../src/ports/secret-store';
import { secretStoreContract } from '../contracts/small-ports.contract';

const CANARY = 'sk-canary-ssm-0123456789';
const OPENAI_PARAM = '/api-key/openai';
const CLAUDE_PARAM = '/api-key/anthropic';
const T0 = new Date('2025-03-01T12:00:00.000Z').getTime();
const MINUTE = 60_000;
const TTL_MS = 5 * MINUTE;

const parameter = (name: string, value: string) => ({ Parameter: { Name: name, Type: 'SecureString' as const, Value: value } });
const metadata = { $metadata: { httpStatusCode: 400 } };
const notFound = () => new ParameterNotFound({ message: '', ...metadata });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const serverError = () => new InternalServerError({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } });
const networkDown = () => Object.assign(new Error('connect ETIMEDOUT 52.94.0.1:443'), { name: 'TimeoutError' });

function setUp() {
  const client = new SSMClient({ region: 'us-east-1' });
  const ssm = mockClient(client);
  const store = new SsmSecretStore({
    client,
    parameterNames: { OPENAI_API_KEY: OPENAI_PARAM, ANTHROPIC_API_KEY: CLAUDE_PARAM },
    ttlMs: TTL_MS,
  });
  const callsFor = (name: string) => ssm.commandCalls(GetParameterCommand, { Name: name }).length;
  return { client, ssm, store, callsFor };
}

async function failureOf(promise: Promise<unknown>): Promise<SecretStoreError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretStoreError);
  return error as SecretStoreError;
}

function expectNoValueIn(error: SecretStoreError, value: string): void {
  expect(String(error)).not.toContain(value);
  expect(JSON.stringify({ message: error.message })).not.toContain(value);
  expect(JSON.stringify(error)).not.toContain(value);
  expect(error.stack ?? '').not.toContain(value);
}

describe('SsmSecretStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('reads the SecureString with decryption', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand, { Name: OPENAI_PARAM }).resolves(parameter(OPENAI_PARAM, CANARY));

    await expect(store.get('OPENAI_API_KEY')).resolves.toBe(CANARY);

    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ Name: OPENAI_PARAM, WithDecryption: true });
  });

  it('caches each parameter with its own fetch time', async () => {
    const { ssm, store, callsFor } = setUp();
    ssm.on(GetParameterCommand, { Name: OPENAI_PARAM }).resolves(parameter(OPENAI_PARAM, 'sk-openai-1'));
    ssm.on(GetParameterCommand, { Name: CLAUDE_PARAM }).resolves(parameter(CLAUDE_PARAM, 'sk-ant-1'));

    await store.get('OPENAI_API_KEY'); // A fetched at t0
    jest.setSystemTime(T0 + 4 * MINUTE);
    await store.get('ANTHROPIC_API_KEY'); // B fetched at t0+4min
    await store.get('OPENAI_API_KEY'); // A still fresh
    expect([callsFor(OPENAI_PARAM), callsFor(CLAUDE_PARAM)]).toEqual([1, 1]);

    jest.setSystemTime(T0 + 5 * MINUTE + 1_000);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-openai-1');
    await expect(store.get('ANTHROPIC_API_KEY')).resolves.toBe('sk-ant-1');
    // A expired and was fetched again; B, fetched a minute later, is still within its own TTL.
    expect([callsFor(OPENAI_PARAM), callsFor(CLAUDE_PARAM)]).toEqual([2, 1]);

    jest.setSystemTime(T0 + 9 * MINUTE + 1_000);
    await store.get('ANTHROPIC_API_KEY');
    await store.get('OPENAI_API_KEY');
    expect([callsFor(OPENAI_PARAM), callsFor(CLAUDE_PARAM)]).toEqual([2, 2]);
  });

  it('serves a rotated value only once the TTL has passed', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand, { Name: OPENAI_PARAM }).resolves(parameter(OPENAI_PARAM, 'sk-old-key'));
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-old-key');

    ssm.on(GetParameterCommand, { Name: OPENAI_PARAM }).resolves(parameter(OPENAI_PARAM, 'sk-new-key'));
    jest.setSystemTime(T0 + TTL_MS);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-old-key');

    jest.setSystemTime(T0 + TTL_MS + 1);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe('sk-new-key');
  });

  it('serves the cached value without calling SSM while it is fresh, even if SSM is down', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).resolves(parameter(OPENAI_PARAM, CANARY));
    await store.get('OPENAI_API_KEY');

    ssm.on(GetParameterCommand).rejects(throttled());
    jest.setSystemTime(T0 + 4 * MINUTE);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe(CANARY);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it.each([
    ['throttling', throttled],
    ['a 5xx', serverError],
    ['a network failure', networkDown],
  ])('fails with the parameter named, never the value, when SSM is unavailable (%s) after the TTL', async (_, failure) => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).resolves(parameter(OPENAI_PARAM, CANARY));
    await store.get('OPENAI_API_KEY');

    ssm.on(GetParameterCommand).rejects(failure());
    jest.setSystemTime(T0 + TTL_MS + 1_000);
    const error = await failureOf(store.get('OPENAI_API_KEY'));

    expect(error.name).toBe('SecretStoreError');
    expect(error.secretName).toBe('OPENAI_API_KEY');
    expect(error.message).toContain(OPENAI_PARAM);
    expect(error.message).toContain(failure().name);
    expect(error.cause).toBeInstanceOf(Error);
    expectNoValueIn(error, CANARY);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('fails on a cold read when SSM is down, and tries again on the next call', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).rejectsOnce(serverError()).resolves(parameter(OPENAI_PARAM, CANARY));

    const error = await failureOf(store.get('OPENAI_API_KEY'));
    expect(error.message).toContain(OPENAI_PARAM);
    await expect(store.get('OPENAI_API_KEY')).resolves.toBe(CANARY);
  });

  it('never copies the SDK error text, which is not ours to trust', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error(`bad request near ${CANARY}`), { name: `Odd ${CANARY}` }));

    const error = await failureOf(store.get('OPENAI_API_KEY'));
    expect(error.message).toContain(OPENAI_PARAM);
    expectNoValueIn(error, CANARY);
  });

  it('treats a configured parameter that does not exist as a misconfiguration', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).rejects(notFound());

    const error = await failureOf(store.get('ANTHROPIC_API_KEY'));
    expect(error.secretName).toBe('ANTHROPIC_API_KEY');
    expect(error.message).toContain(CLAUDE_PARAM);
    expect(error.message).toMatch(/does not exist/);
  });

  it('shares one GetParameter call among concurrent cold reads', async () => {
    const { ssm, store } = setUp();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    ssm.on(GetParameterCommand).callsFake(async () => {
      await gate;
      return parameter(OPENAI_PARAM, CANARY);
    });

    const reads = Array.from({ length: 10 }, () => store.get('OPENAI_API_KEY'));
    for (let tick = 0; tick < 10; tick++) await Promise.resolve();
    open();

    await expect(Promise.all(reads)).resolves.toEqual(Array.from({ length: 10 }, () => CANARY));
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('shares one failure among concurrent cold reads', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).rejects(throttled());

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.get('OPENAI_API_KEY')));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof SecretStoreError)).toBe(true);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('answers an unknown logical name with undefined and no call', async () => {
    const { ssm, store } = setUp();
    await expect(store.get('BEDROCK_ROLE')).resolves.toBeUndefined();
    await expect(store.get('constructor')).resolves.toBeUndefined();
    await expect(store.get('__proto__')).resolves.toBeUndefined();
    expect(ssm.calls()).toHaveLength(0);
  });

  it('answers an empty value with undefined', async () => {
    const { ssm, store } = setUp();
    ssm.on(GetParameterCommand).resolves(parameter(OPENAI_PARAM, ''));
    await expect(store.get('OPENAI_API_KEY')).resolves.toBeUndefined();
  });

  it('rejects a TTL that is not a whole number of seconds', () => {
    const client = new SSMClient({ region: 'us-east-1' });
    expect(() => new SsmSecretStore({ client, parameterNames: {}, ttlMs: 1_500 })).toThrow(RangeError);
    expect(() => new SsmSecretStore({ client, parameterNames: {}, ttlMs: 0 })).toThrow(RangeError);
  });
});

// Only secrets whose *_PARAMETER_NAME is set get a parameter, as the composition root wires it.
secretStoreContract('SsmSecretStore (aws-sdk-client-mock)', (secrets) => {
  const client = new SSMClient({ region: 'us-east-1' });
  const ssm = mockClient(client);
  const parameterNames: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) {
    if (value === undefined) continue;
    const parameterName = `/api-key/${name.toLowerCase()}`;
    parameterNames[name] = parameterName;
    ssm.on(GetParameterCommand, { Name: parameterName, WithDecryption: true }).resolves(parameter(parameterName, value));
  }
  return Promise.resolve(new SsmSecretStore({ client, parameterNames, ttlMs: TTL_MS }));
});
