import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/*
 * Every DynamoDB table the product needs, as plain data (ADR 0010). The adapters read their key names from
 * here and the CDK stack builds its tables from here, so the two cannot drift. Key types are DynamoDB's own
 * letters, which are also the values of CDK's `AttributeType` enum.
 */

export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export type Projection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

export interface IndexDesign {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute | undefined;
  readonly projection: Projection;
}

export const TABLE_LOGICAL_NAMES = ['sayings', 'feedback', 'usage', 'apiKeys', 'sessions', 'jobs'] as const;
export type TableLogicalName = (typeof TABLE_LOGICAL_NAMES)[number];

export interface TableDesign {
  readonly logicalName: TableLogicalName;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute | undefined;
  readonly globalSecondaryIndexes: readonly IndexDesign[];
  /** Epoch-seconds attribute DynamoDB deletes by (lazily, up to ~48 h late); undefined: items live on. */
  readonly ttlAttribute: string | undefined;
  /** On-demand capacity: `CreateTableCommandInput` for this table under a deployment's physical name. */
  createTableInput(tableName: string): CreateTableCommandInput;
}

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const N = (name: string): KeyAttribute => ({ name, type: 'N' });
const index = (indexName: string, partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined, projection: Projection): IndexDesign => ({
  indexName,
  partitionKey,
  sortKey,
  projection,
});

/**
 * Writes to a time-bucketed partition (`YYYY-MM-DD#shard`) spread over this many shards, each good for
 * ~1,000 writes/s. Readers query every shard of every day in a window. Only ever raise these: a reader
 * must query the highest count ever used (the shard of an item is fixed when it is written).
 */
export const FEEDBACK_TIME_SHARDS = 4;
export const USAGE_TIME_SHARDS = 8;

/** Attribute names the adapters and any other reader share. */
export const SAYINGS = {
  pk: 'pk',
  collectionIndex: 'collection',
  collectionPk: 'collectionPk',
  votedIndex: 'voted',
  votedPk: 'votedPk',
  rankSk: 'rankSk',
} as const;

export const FEEDBACK = { pk: 'pk', byTimeIndex: 'byTime', timeBucket: 'timeBucket', at: 'at' } as const;
export const USAGE = { pk: 'pk', sk: 'sk', ttl: 'expiresAt' } as const;
export const API_KEYS = { pk: 'pk', byOwnerIndex: 'byOwner', ownerId: 'ownerId', createdAt: 'createdAt', ttl: 'purgeAt' } as const;
export const SESSIONS = { pk: 'pk', ttl: 'expiresAt', expiresAtMs: 'expiresAtMs', version: 'version' } as const;
export const JOBS = { pk: 'pk', sk: 'sk', byOwnerIndex: 'byOwner', ownerId: 'ownerId', createdAt: 'createdAt', ttl: 'expiresAt' } as const;

interface TableSpec {
  readonly logicalName: TableLogicalName;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes?: readonly IndexDesign[];
  readonly ttlAttribute?: string;
}

function defineTable(spec: TableSpec): TableDesign {
  const design = {
    logicalName: spec.logicalName,
    partitionKey: spec.partitionKey,
    sortKey: spec.sortKey,
    globalSecondaryIndexes: spec.globalSecondaryIndexes ?? [],
    ttlAttribute: spec.ttlAttribute,
  };
  return { ...design, createTableInput: (tableName: string) => toCreateTableInput(design, tableName) };
}

export const TABLES: { readonly [K in TableLogicalName]: TableDesign } = {
  /**
   * One item per saying, pk = saying id; `upvotes`/`downvotes` change only by `ADD`. A counter item
   * (pk `#count`) keeps `count()` O(1). Both indexes are sparse and KEYS_ONLY, so a vote — which changes
   * only the counters — never writes to an index; listing reads keys there and items with BatchGetItem.
   */
  sayings: defineTable({
    logicalName: 'sayings',
    partitionKey: S(SAYINGS.pk),
    globalSecondaryIndexes: [
      // collectionPk = 'collection' only on sayings of the stored collection.
      index(SAYINGS.collectionIndex, S(SAYINGS.collectionPk), undefined, { type: 'KEYS_ONLY' }),
      // votedPk = 'voted' is set by a saying's first vote; rankSk = `vendor#model#id` (`collection#-#id`) filters by prefix.
      index(SAYINGS.votedIndex, S(SAYINGS.votedPk), S(SAYINGS.rankSk), { type: 'KEYS_ONLY' }),
    ],
  }),
  /**
   * One item per vote, pk = the idempotency key, written only by the vote transaction with
   * `attribute_not_exists(pk)`. `byTime`: timeBucket = `YYYY-MM-DD#shard` (shard from the record id), at = epoch ms.
   */
  feedback: defineTable({
    logicalName: 'feedback',
    partitionKey: S(FEEDBACK.pk),
    globalSecondaryIndexes: [index(FEEDBACK.byTimeIndex, S(FEEDBACK.timeBucket), N(FEEDBACK.at), { type: 'ALL' })],
  }),
  /** Usage ledger: pk = `YYYY-MM-DD#shard` (shard from the entry id), sk = `<at, 16 digits>#<entry id>`. */
  usage: defineTable({
    logicalName: 'usage',
    partitionKey: S(USAGE.pk),
    sortKey: S(USAGE.sk),
    ttlAttribute: USAGE.ttl,
  }),
  /**
   * API keys (ADR 0012), two kinds of item under one partition key: a key's record at pk = `key#<id>` (status,
   * limits, budget, usage, open reservations) and each of its secrets at pk = the key's SHA-256 hex, pointing
   * at the record (`attribute_not_exists(pk)` on create catches a hash collision). Authentication is two
   * GetItems; admin reads by id are strongly consistent GetItems. `byOwner` (sparse: only records carry ownerId)
   * lists an owner's keys. purgeAt is set on revocation and on rotated-out secrets; auth checks expiry itself.
   */
  apiKeys: defineTable({
    logicalName: 'apiKeys',
    partitionKey: S(API_KEYS.pk),
    globalSecondaryIndexes: [index(API_KEYS.byOwnerIndex, S(API_KEYS.ownerId), N(API_KEYS.createdAt), { type: 'ALL' })],
    ttlAttribute: API_KEYS.ttl,
  }),
  /**
   * Chat sessions: one item per session (pk = session id) holding its last 10 turns, rewritten whole by a PutItem
   * conditioned on `version` (ADR 0018). expiresAt is epoch seconds for the TTL sweep; readers check expiresAtMs.
   */
  sessions: defineTable({
    logicalName: 'sessions',
    partitionKey: S(SESSIONS.pk),
    ttlAttribute: SESSIONS.ttl,
  }),
  /**
   * Batch jobs: pk = job id; sk = `job` for the header, `item#<6-digit index>` for each item. Only the header
   * carries ownerId/createdAt, so `byOwner` lists jobs, not items. Every item of a job shares its expiresAt.
   */
  jobs: defineTable({
    logicalName: 'jobs',
    partitionKey: S(JOBS.pk),
    sortKey: S(JOBS.sk),
    globalSecondaryIndexes: [index(JOBS.byOwnerIndex, S(JOBS.ownerId), N(JOBS.createdAt), { type: 'ALL' })],
    ttlAttribute: JOBS.ttl,
  }),
};

/** The physical names of one deployment: `<prefix>-<logical>`, e.g. `cloud-sayings-prod-apiKeys`. */
export function tableNames(prefix: string): { readonly [K in TableLogicalName]: string } {
  const entries = TABLE_LOGICAL_NAMES.map((name) => [name, `${prefix}-${name}`] as const);
  return Object.fromEntries(entries) as { readonly [K in TableLogicalName]: string };
}

type PlainDesign = Omit<TableDesign, 'createTableInput'>;

function toCreateTableInput(design: PlainDesign, tableName: string): CreateTableCommandInput {
  const keyAttributes = [design.partitionKey, design.sortKey, ...design.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const definitions = new Map<string, KeyType>();
  for (const attribute of keyAttributes) if (attribute) definitions.set(attribute.name, attribute.type);
  const keySchema = (pk: KeyAttribute, sk: KeyAttribute | undefined) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(design.partitionKey, design.sortKey),
    ...(design.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: design.globalSecondaryIndexes.map((i) => ({
            IndexName: i.indexName,
            KeySchema: keySchema(i.partitionKey, i.sortKey),
            Projection:
              i.projection.type === 'INCLUDE'
                ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.projection.nonKeyAttributes] }
                : { ProjectionType: i.projection.type },
          })),
        }
      : {}),
  };
}
