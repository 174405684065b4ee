import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbApiKeyRepo } from '../../src/adapters/aws/dynamodb/dynamodb-api-key-repo';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';
import type { Container } from 'inversify';
import type { GatewayKeys } from '../../src/application/gateway/gateway-caller';
import type { KeyAdministration } from '../../src/application/keys/key-administration';
import type { KeySpecInput } from '../../src/domain/keys/key-spec';
import { loadAwsConfig } from '../../src/entrypoints/config/app-config';
import { buildAwsContainer } from '../../src/entrypoints/container/aws-container';
import { TOKENS } from '../../src/entrypoints/container/tokens';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';
import { ManualClock, silentLogger } from './support';
import { apiKeyRepoContract, type ApiKeyStore } from './api-key-repo.contract';

/*
 * The ApiKeyRepo contract against AWS's DynamoDB Local: fresh apiKeys table per test; `reopen` builds a new
 * adapter on a new SDK client, as another instance of the service would have.
 */

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 600_000);
afterAll(async () => {
  await local?.stop();
});

let run = 0;

async function fresh(): Promise<ApiKeyStore> {
  const tableName = `keys-contract-${process.pid}-${++run}-apiKeys`;
  await ensureTables(local.client, { apiKeys: tableName });
  const clients: ReturnType<typeof localClient>[] = [];
  const over = (): ApiKeyStore => {
    const client = localClient(local);
    clients.push(client);
    // No removeUndefinedValues: the adapter must never hand the SDK an undefined.
    return {
      repo: new DynamoDbApiKeyRepo({ client: DynamoDBDocumentClient.from(client), tableName }),
      close: async () => {
        await local.client.send(new DeleteTableCommand({ TableName: tableName }));
        for (const c of clients) c.destroy();
      },
      reopen: () => Promise.resolve(over()),
    };
  };
  return over();
}

apiKeyRepoContract('DynamoDB Local', fresh);

/*
 * Two instances of the aws profile sharing one DynamoDB Local (same JVM as the contract above, to spare the
 * shared CPU): what one does to a key, the other sees within the documented bound. One manual clock drives
 * both, so the bounds are shown without sleeping.
 */
describe('two aws containers on one DynamoDB Local (FAULTS #23, #25)', () => {
  const TTL = 2_000;
  const GRACE = 60_000;
  let tableName: string;
  let clock: ManualClock;
  let a: Container;
  let b: Container;
  const clients: ReturnType<typeof localClient>[] = [];

  beforeAll(async () => {
    tableName = `keys-two-${process.pid}-apiKeys`;
    await ensureTables(local.client, { apiKeys: tableName });
    clock = new ManualClock(Date.now());
    const env = {
      APP_ENV: 'dev', SECRETS_SOURCE: 'env', CONFIG_SOURCE: 'env', AWS_REGION: 'us-east-1',
      SAYINGS_TABLE: 'unused-sayings', FEEDBACK_TABLE: 'unused-feedback', USAGE_TABLE: 'unused-usage', SESSIONS_TABLE: 'unused-sessions', API_KEYS_TABLE: tableName,
      API_KEY_CACHE_TTL_MS: String(TTL), API_KEY_ROTATION_GRACE_MS: String(GRACE), ADMIN_TOKEN: 'two-instances-admin-token-0123456789',
    };
    const instance = () => {
      const client = localClient(local);
      clients.push(client);
      const c = buildAwsContainer({ config: loadAwsConfig({}, env), env, logger: silentLogger, dynamoDb: client, configured: { openai: false, anthropic: false } });
      c.rebind(TOKENS.Clock).toConstantValue(clock);
      return c;
    };
    a = instance();
    b = instance();
  });
  afterAll(async () => {
    await local.client.send(new DeleteTableCommand({ TableName: tableName }));
    for (const c of clients) c.destroy();
  });

  const adminOf = (c: Container) => c.get<KeyAdministration>(TOKENS.KeyAdministration);
  const keysOf = (c: Container) => c.get<GatewayKeys>(TOKENS.GatewayKeys);
  async function issue(input: KeySpecInput = { name: 'k' }) {
    const created = await adminOf(a).create({ ownerId: 'admin' }, input);
    if (!created.ok) throw new Error(created.error.message);
    return created.value;
  }

  it('a key revoked on one instance is refused by the other within the cache TTL', async () => {
    const k = await issue();
    await expect(keysOf(b).authenticate(k.key)).resolves.toMatchObject({ keyId: k.id });
    await expect(adminOf(a).revoke({ ownerId: 'admin' }, k.id)).resolves.toMatchObject({ ok: true });
    await expect(keysOf(a).authenticate(k.key)).resolves.toBeUndefined();
    // The bound: b trusts what it read for at most TTL ms.
    clock.advance(TTL - 1);
    await expect(keysOf(b).authenticate(k.key)).resolves.toMatchObject({ keyId: k.id });
    clock.advance(1);
    await expect(keysOf(b).authenticate(k.key)).resolves.toBeUndefined();
  });

  it('a rotated key’s old value works on the other instance during its grace period and stops when it ends', async () => {
    const k = await issue();
    await expect(keysOf(b).authenticate(k.key)).resolves.toBeDefined();
    const rotated = await adminOf(a).rotate({ ownerId: 'admin' }, k.id, {});
    if (!rotated.ok) throw new Error('rotation failed');
    await expect(keysOf(b).authenticate(rotated.value.key)).resolves.toMatchObject({ keyId: k.id });
    clock.advance(TTL);
    await expect(keysOf(b).authenticate(k.key)).resolves.toMatchObject({ keyId: k.id });
    clock.advance(GRACE - TTL - 1);
    await expect(keysOf(b).authenticate(k.key)).resolves.toMatchObject({ keyId: k.id });
    clock.advance(1);
    await expect(keysOf(b).authenticate(k.key)).resolves.toBeUndefined();
    await expect(keysOf(a).authenticate(k.key)).resolves.toBeUndefined();
    await expect(keysOf(b).authenticate(rotated.value.key)).resolves.toMatchObject({ keyId: k.id });
  });

  it('one Idempotency-Key, 10 creates split over both instances at once: one key, one value, nine replays', async () => {
    const idempotencyKey = `two-instances-${process.pid}-${Date.now()}`;
    const input = { name: 'raced create', models: ['haiku'], rpm: 7 };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => adminOf(i % 2 ? a : b).create({ ownerId: 'admin' }, input, { idempotencyKey })));
    const values = answers.map((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    });
    const fresh = values.filter((v) => !v.replayed);
    expect(fresh).toHaveLength(1);
    expect(new Set(values.map((v) => v.id)).size).toBe(1);
    const key = fresh[0] && !fresh[0].replayed ? fresh[0].key : '';
    await expect(keysOf(b).authenticate(key)).resolves.toMatchObject({ keyId: values[0]?.id, rpm: 7 });
    const listed = await adminOf(a).list({ ownerId: 'admin' }, { limit: 1_000 });
    expect(listed.ok && listed.value.keys.filter((k) => k.name === 'raced create')).toHaveLength(1);
    // Another request under the same key, on either instance: refused.
    for (const c of [a, b]) await expect(adminOf(c).create({ ownerId: 'admin' }, { ...input, rpm: 8 }, { idempotencyKey })).resolves.toMatchObject({ ok: false, error: { code: 'idempotency_key_reused' } });
  });

  it('50 parallel reservations split over both instances, budget for 5 → 5 granted; settled spend equals the budget', async () => {
    const k = await issue({ name: 'budgeted', budgetUsd: 0.000005 });
    const callers = await Promise.all([keysOf(a).authenticate(k.key), keysOf(b).authenticate(k.key)]);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => keysOf(i % 2 ? a : b).reserveBudget(callers[i % 2]!, 1_000)));
    const granted = outcomes.flatMap((o) => (o.ok && o.reservation ? [o.reservation] : []));
    expect(granted).toHaveLength(5);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.code === 'budget_exceeded')).toBe(true);
    // Settled from either instance, some of them twice (a retry after a crash): each counts once.
    await Promise.all([...granted, ...granted.slice(0, 2)].map((r, i) => keysOf(i % 2 ? a : b).recordUse(k.id, { tokens: 10, costNano: 1_000, at: clock.now() }, r)));
    const shown = await adminOf(b).show({ ownerId: 'admin' }, k.id);
    expect(shown).toMatchObject({ ok: true, value: { usage: { requests: 5, costNano: 5_000 }, budget: { spentNano: 5_000, reservedNano: 0, remainingNano: 0 } } });
  });
});
