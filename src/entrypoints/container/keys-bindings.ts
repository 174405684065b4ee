import { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Container } from 'inversify';
import { DynamoDbApiKeyRepo } from '../../adapters/aws/dynamodb/dynamodb-api-key-repo';
import { SsmSecretStore } from '../../adapters/aws/ssm-secret-store';
import { ApiKeyState } from '../../adapters/memory/api-key-state';
import { InMemoryApiKeyRepo } from '../../adapters/memory/in-memory-api-key-repo';
import { EnvironmentSecretStore } from '../../adapters/secrets/environment-secret-store';
import { CryptoSecureRandom } from '../../adapters/system/crypto-secure-random';
import { NodeHasher } from '../../adapters/system/node-hasher';
import { ADMIN_TOKEN_SECRET, AdminAuthenticator } from '../../application/keys/admin-authenticator';
import type { KeyAdministration } from '../../application/keys/key-administration';
import { KeyLookup } from '../../application/keys/key-lookup';
import { ManageKeysUseCase } from '../../application/keys/manage-keys.use-case';
import { StoredGatewayKeys } from '../../application/keys/stored-gateway-keys';
import type { AppConfig, AwsConfig, LocalConfig } from '../config/app-config';
import { adminTokenParameter } from '../config/keys-config';
import { adminKeyRoutes } from '../http/routes/keys/admin-keys.routes';
import type { ApiRoute } from '../http/routes/api-routes';
import { TOKENS as T } from './tokens';

/** Keys this process remembers at most (about 1 KB each). */
const LOOKUP_ENTRIES = 10_000;
const MAX_ROTATION_GRACE_MS = 30 * 86_400_000;

/**
 * Key management and the gateway's `T.GatewayKeys`, for every profile (ADR 0012). The profile binds
 * `T.ApiKeyRepo` and `T.AdminTokenStore` (`bindLocalKeys` / `bindAwsKeys`); nothing here touches a store at
 * construction, so every Lambda can resolve the routes at a cold start for free.
 */
export function bindKeys(c: Container, config: AppConfig): void {
  const hasher = new NodeHasher();
  c.bind(T.SecureRandom).toConstantValue(new CryptoSecureRandom());
  c.bind(T.KeyLookup).toDynamicValue(
    ({ get }) => new KeyLookup(get(T.ApiKeyRepo), hasher, get(T.Clock), { ttlMs: config.API_KEY_CACHE_TTL_MS, maxEntries: LOOKUP_ENTRIES }),
  );
  c.bind(T.GatewayKeys).toDynamicValue(
    ({ get }) => new StoredGatewayKeys(get(T.KeyLookup), get(T.ApiKeyRepo), get(T.Clock), get(T.Random), { reservationTtlMs: config.API_KEY_RESERVATION_TTL_MS }),
  );
  c.bind(T.KeyAdministration).toDynamicValue(
    ({ get }) =>
      new ManageKeysUseCase(get(T.ApiKeyRepo), get(T.KeyLookup), get(T.Catalog), hasher, get(T.SecureRandom), get(T.Random), get(T.Clock), get(T.Logger), {
        rotationGraceMs: config.API_KEY_ROTATION_GRACE_MS,
        maxRotationGraceMs: MAX_ROTATION_GRACE_MS,
      }),
  );
  c.bind(T.AdminAuthenticator).toDynamicValue(({ get }) => new AdminAuthenticator(get(T.AdminTokenStore), hasher));
}

/** The local profile: keys in memory over `state` (journaled to DATA_DIR by the caller), the admin token from the environment. */
export function bindLocalKeys(c: Container, config: LocalConfig, state: ApiKeyState = new ApiKeyState()): void {
  c.bind(T.ApiKeyRepo).toConstantValue(new InMemoryApiKeyRepo(state));
  c.bind(T.AdminTokenStore).toConstantValue(new EnvironmentSecretStore({ [ADMIN_TOKEN_SECRET]: config.ADMIN_TOKEN }, [ADMIN_TOKEN_SECRET]));
}

export interface AwsKeysInput {
  readonly config: AwsConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dynamo: DynamoDBDocumentClient;
}

/**
 * The aws profile: DynamoDB's apiKeys table; the admin token from its SSM SecureString (cached 5 minutes, so a
 * new token takes effect within that), or from the environment when SECRETS_SOURCE=env (aws profile on one machine).
 */
export function bindAwsKeys(c: Container, input: AwsKeysInput): void {
  const { config, env } = input;
  c.bind(T.ApiKeyRepo).toConstantValue(new DynamoDbApiKeyRepo({ client: input.dynamo, tableName: config.API_KEYS_TABLE }));
  c.bind(T.AdminTokenStore).toDynamicValue(() =>
    config.SECRETS_SOURCE === 'env'
      ? new EnvironmentSecretStore(env, [ADMIN_TOKEN_SECRET])
      : new SsmSecretStore({
          client: new SSMClient({
            region: config.AWS_REGION,
            maxAttempts: 2,
            requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
          }),
          parameterNames: { [ADMIN_TOKEN_SECRET]: adminTokenParameter(config.APP_ENV, config.ADMIN_TOKEN_PARAMETER_NAME) },
          ttlMs: 300_000,
        }),
  );
}

/** The admin API's routes, resolved from a container with the bindings above. */
export function resolveKeyRoutes(c: Container): readonly ApiRoute[] {
  const config = c.get<AppConfig>(T.Config);
  return adminKeyRoutes({ admin: c.get<KeyAdministration>(T.KeyAdministration), auth: c.get(T.AdminAuthenticator), bodyLimitBytes: config.BODY_LIMIT_BYTES });
}
