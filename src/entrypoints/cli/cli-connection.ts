import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Container } from 'inversify';
import * as z from 'zod';
import { DynamoDbApiKeyRepo } from '../../adapters/aws/dynamodb/dynamodb-api-key-repo';
import { DataDirLock } from '../../adapters/file/data-dir-lock';
import { CryptoRandomSource } from '../../adapters/system/crypto-random-source';
import { SystemClock } from '../../adapters/system/system-clock';
import type { KeyAdministration } from '../../application/keys/key-administration';
import { buildCatalog } from '../../domain/catalog/model-catalog';
import type { Logger } from '../../ports/logger';
import { loadLocalConfig, type AppConfig } from '../config/app-config';
import { keysSharedShape } from '../config/keys-config';
import { bindKeys, bindLocalKeys } from '../container/keys-bindings';
import { TOKENS as T } from '../container/tokens';
import { API_KEYS_LOCK, openLocalKeyStore } from '../local/local-key-store';
import type { GlobalArgs } from './cli-args';
import { HttpKeyAdministration, RemoteAdminError } from './http-key-administration';

/** How one CLI run reaches the keys, and how it lets go of them. */
export interface KeysConnection {
  readonly admin: KeyAdministration;
  /** `in-process` runs the use cases here; `server` asks the running local server to run them. */
  readonly via: 'in-process' | 'server' | 'dynamodb';
  close(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * ADR 0013. aws: straight to DynamoDB (conditional writes make it safe beside the running Lambdas). local: the
 * data folder has one owner at a time — if a server owns it, through that server's admin API; otherwise this
 * process takes the folder's lock for the one command, so a server starting meanwhile waits for it.
 */
export async function connectKeys(global: GlobalArgs, env: Env, logger: Logger): Promise<KeysConnection> {
  const profile = global.profile ?? (env.KEYS_PROFILE === 'aws' ? 'aws' : 'local');
  return profile === 'aws' ? connectAws(global, env, logger) : connectLocal(global, env, logger);
}

async function connectLocal(global: GlobalArgs, env: Env, logger: Logger): Promise<KeysConnection> {
  const config = loadLocalConfig({ ...env, ...(global.dataDir === undefined ? {} : { DATA_DIR: global.dataDir }) });
  const dataDir = resolve(config.DATA_DIR);
  const server = await runningServer(join(dataDir, API_KEYS_LOCK));
  if (server) {
    const token = env.ADMIN_TOKEN;
    if (token === undefined || token === '') {
      throw new RemoteAdminError(
        `a server (pid ${server.pid}) owns ${dataDir}; set ADMIN_TOKEN to its admin token so that this command goes through its admin API at ${server.url}, or stop the server`,
      );
    }
    return { admin: new HttpKeyAdministration(server.url, token), via: 'server', close: () => Promise.resolve() };
  }
  const store = await openLocalKeyStore(dataDir, { role: 'cli', flushDelayMs: config.JOURNAL_FLUSH_MS, waitMs: 5_000 }, logger);
  const c = baseContainer(config, logger);
  bindLocalKeys(c, config, store.state);
  return { admin: c.get<KeyAdministration>(T.KeyAdministration), via: 'in-process', close: () => store.close() };
}

const awsShape = z.object({
  API_KEYS_TABLE: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name (or pass --table)' }),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  ...keysSharedShape,
});

function connectAws(global: GlobalArgs, env: Env, logger: Logger): Promise<KeysConnection> {
  const values = Object.fromEntries(Object.entries({ ...env, ...(global.table ? { API_KEYS_TABLE: global.table } : {}) }).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = awsShape.safeParse(values);
  if (!parsed.success) throw new RemoteAdminError(`aws profile: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const settings = parsed.data;
  const client = new DynamoDBClient({ region: settings.AWS_REGION, maxAttempts: 3, ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}) });
  const c = baseContainer(loadLocalConfig(values), logger);
  c.bind(T.ApiKeyRepo).toConstantValue(new DynamoDbApiKeyRepo({ client: DynamoDBDocumentClient.from(client), tableName: settings.API_KEYS_TABLE }));
  return Promise.resolve({ admin: c.get<KeyAdministration>(T.KeyAdministration), via: 'dynamodb', close: () => Promise.resolve(client.destroy()) });
}

/** What key management needs from a container, bound as the profiles bind it. */
function baseContainer(config: AppConfig, logger: Logger): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(T.Config).toConstantValue(config);
  c.bind(T.Catalog).toConstantValue(buildCatalog(config.MODEL_OVERRIDES));
  c.bind(T.Clock).toConstantValue(new SystemClock());
  c.bind(T.Random).toConstantValue(new CryptoRandomSource());
  c.bind(T.Logger).toConstantValue(logger);
  bindKeys(c, config);
  return c;
}

/** The server that owns the folder, once it advertises its admin API (it does so as soon as it listens). */
async function runningServer(lockPath: string): Promise<{ pid: number; url: string } | undefined> {
  for (let waited = 0; ; waited += 100) {
    const holder = DataDirLock.holder(lockPath);
    if (holder?.role !== 'server') return undefined;
    if (holder.adminUrl !== undefined) return { pid: holder.pid, url: holder.adminUrl };
    if (waited >= 5_000) throw new RemoteAdminError(`a server (pid ${holder.pid}) owns the data folder but does not listen yet; try again in a moment`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
