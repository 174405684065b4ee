import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Container } from 'inversify';
import { buildCatalog } from '../../domain/catalog/model-catalog';
import { AWS_SERVICES } from '../../domain/services/aws-services';
import type { Logger } from '../../ports/logger';
import { DynamoDbFeedbackRepo } from '../../adapters/aws/dynamodb/dynamodb-feedback-repo';
import { DynamoDbSayingRepo } from '../../adapters/aws/dynamodb/dynamodb-saying-repo';
import { DynamoDbUsageLedger } from '../../adapters/aws/dynamodb/dynamodb-usage-ledger';
import { EmfMetricsSink } from '../../adapters/aws/observability/emf-metrics-sink';
import { CryptoRandomSource } from '../../adapters/system/crypto-random-source';
import { SystemClock } from '../../adapters/system/system-clock';
import type { AwsConfig } from '../config/app-config';
import { DynamoDbSessionRepo } from '../../adapters/aws/dynamodb/dynamodb-session-repo';
import { bindCacheAndLimits } from './cache-and-limits';
import { bindAwsJobs } from './jobs-bindings';
import { bindAwsKeys } from './keys-bindings';
import { bindChat } from './chat-bindings';
import { bindApplication } from './local-container';
import { buildModelProviders, buildSecretStore } from './model-providers';
import { TOKENS as T } from './tokens';

export interface AwsContainerInput {
  readonly config: AwsConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** Tests and `start:aws-local` pass their own; Lambda uses the SDK's defaults. */
  readonly dynamoDb?: DynamoDBClient;
  /** Which vendors have keys. In SSM both are named, so both are live without a call at cold start. */
  readonly configured?: Readonly<Record<'openai' | 'anthropic', boolean>>;
}

/**
 * The composition root of the `aws` profile: DynamoDB for every repository, Redis (when configured) for
 * the cache and shared limits, SSM for secrets and configuration, CloudWatch EMF for metrics. The use
 * cases are bound exactly as in the local profile.
 */
export function buildAwsContainer(input: AwsContainerInput): Container {
  const { config, logger } = input;
  const c = new Container({ defaultScope: 'Singleton' });
  const clock = new SystemClock();
  const random = new CryptoRandomSource();
  const catalog = buildCatalog(config.MODEL_OVERRIDES);
  const metrics = EmfMetricsSink.create(config.METRICS_NAMESPACE, input.env.POWERTOOLS_SERVICE_NAME ?? 'cloud-sayings');
  const secrets = buildSecretStore(config, input.env);
  const dynamo = DynamoDBDocumentClient.from(
    input.dynamoDb ??
      new DynamoDBClient({ region: config.AWS_REGION, maxAttempts: 3, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

  c.bind(T.Config).toConstantValue(config);
  c.bind(T.Catalog).toConstantValue(catalog);
  c.bind(T.Services).toConstantValue(AWS_SERVICES);
  c.bind(T.Clock).toConstantValue(clock);
  c.bind(T.Random).toConstantValue(random);
  c.bind(T.Logger).toConstantValue(logger);
  c.bind(T.MetricsSink).toConstantValue(metrics);
  c.bind(T.SecretStore).toConstantValue(secrets);
  const sayings = new DynamoDbSayingRepo({ client: dynamo, tableName: config.SAYINGS_TABLE, clock });
  c.bind(T.SayingRepo).toConstantValue(sayings);
  c.bind(T.FeedbackRepo).toConstantValue(
    new DynamoDbFeedbackRepo({
      client: dynamo, sayingsTableName: config.SAYINGS_TABLE, tableName: config.FEEDBACK_TABLE, sayingCache: sayings.cache, clock,
    }),
  );
  c.bind(T.UsageLedger).toConstantValue(new DynamoDbUsageLedger({ client: dynamo, tableName: config.USAGE_TABLE, clock }));
  bindCacheAndLimits(c, { redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS, environment: config.APP_ENV, logger, metrics, clock });
  const configured = input.configured ?? { openai: true, anthropic: true };
  c.bind(T.ModelProviders).toConstantValue(buildModelProviders({ catalog, config, secrets, configured, clock, random, logger }));
  bindAwsJobs(c, config, dynamo);
  bindAwsKeys(c, { config, env: input.env, dynamo });
  bindChat(c, config, () => new DynamoDbSessionRepo({ client: dynamo, tableName: config.SESSIONS_TABLE, clock }));
  bindApplication(c, config);
  return c;
}
