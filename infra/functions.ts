import type { TableLogicalName } from '../src/adapters/aws/dynamodb/table-design';

/**
 * DynamoDB permissions by the calls the adapters make (src/adapters/aws/dynamodb). TransactWriteItems has no
 * action of its own: it needs the action of each part (the vote is a Put on feedback and an Update on sayings).
 */
export const DYNAMODB_ACTIONS = {
  get: ['dynamodb:GetItem'],
  batchGet: ['dynamodb:BatchGetItem'],
  /** On the table and its indexes. */
  query: ['dynamodb:Query'],
  /** On the table's own key only (a job's partition): no index is granted. */
  queryTable: ['dynamodb:Query'],
  /** Only for windows longer than the time-bucketed indexes serve (`bucketsInRange` → undefined). */
  scan: ['dynamodb:Scan'],
  put: ['dynamodb:PutItem'],
  update: ['dynamodb:UpdateItem'],
  /** Creating a job writes its items 25 at a time. */
  batchWrite: ['dynamodb:BatchWriteItem'],
} as const;

export type TableAccess = keyof typeof DYNAMODB_ACTIONS;

export const FUNCTION_NAMES = [
  'get-saying', 'submit-feedback', 'get-stats', 'get-health', 'chat', 'submit-job', 'get-job', 'job-worker', 'manage-keys',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** API Gateway's syntax for parameters: `/admin/keys/{id}`. */
  readonly path: string;
}

interface BaseFunctionSpec {
  readonly name: FunctionName;
  readonly description: string;
  readonly memorySize: number;
  /** Seconds; a route's is at most 28 (API Gateway gives up after 29 s). */
  readonly timeoutSeconds: number;
  /** The tables it touches and how; nothing else is granted. */
  readonly tables: Partial<Readonly<Record<TableLogicalName, readonly TableAccess[]>>>;
  /** Reads the provider API keys (SecureStrings under `api-key/`) and may call Bedrock. */
  readonly callsModels: boolean;
  /** Sends to the jobs queue (`sqs:SendMessage` on it, nothing else). */
  readonly sendsJobs?: boolean;
  /** Reads the admin API's token (the SecureString `admin/token`): GetParameter on it alone, and decryption through SSM. */
  readonly readsAdminToken?: boolean;
  /**
   * An answer promised sooner than the timeout allows: p95 duration above this for 15 minutes alarms (default:
   * 80 % of the timeout, which would only catch a function about to time out).
   */
  readonly p95AlarmMs?: number;
}

export interface RouteFunctionSpec extends BaseFunctionSpec {
  readonly kind?: 'route';
  /** The HTTP API route this function serves (one function per route)… */
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** …or, for a route group served by one function (dispatched by `routeKey`), every route; `method`/`path` is the first. */
  readonly routes?: readonly RouteSpec[];
  /** Served through the CloudFront distribution beside the pages (default); false: only on the API's own endpoint. */
  readonly behindCloudFront?: boolean;
  /**
   * Its routes tell clients apart by address (per-client vote and chat limits): behind CloudFront it reads the
   * viewer's address, and the origin secret that vouches for it (ADR 0022). Nothing else is granted that secret.
   */
  readonly identifiesClients?: boolean;
}

/** A function fed by the jobs queue's SQS event source rather than a route (infra/constructs/job-queues.ts). */
export interface QueueConsumerSpec extends BaseFunctionSpec {
  readonly kind: 'queue-consumer';
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** The most concurrent invocations the event source starts: a ceiling on parallel model calls. */
  readonly maxConcurrency: number;
}

export type FunctionSpec = RouteFunctionSpec | QueueConsumerSpec;

export const isRouteSpec = (spec: FunctionSpec): spec is RouteFunctionSpec => spec.kind !== 'queue-consumer';

/*
 * What each route's use case calls, through the adapters:
 * - get-saying: sayings.get (GetItem), listCollection (Query on `collection` + BatchGetItem), putIfAbsent for a
 *   served generated saying (PutItem, then UpdateItem on the `#count` item); usage.record (PutItem).
 * - submit-feedback: sayings.get (GetItem); castVote = TransactWriteItems [Put feedback, Update sayings], then
 *   GetItem on the saying's counters, and on a replay GetItem on the vote record.
 * - get-stats: usage.list and feedback.list (Query per time bucket; Scan for very long windows),
 *   sayings.listVoted (Query on `voted` + BatchGetItem).
 * - get-health: sayings.count (GetItem on the `#count` item).
 * - chat: sessions.get (GetItem) and save (PutItem conditioned on the version, for create and update alike);
 *   the collection for reference sayings (Query on `collection` + BatchGetItem); usage.record (PutItem).
 * - submit-job: jobs create (BatchWriteItem of the items, PutItem of the header), the job read back (Query),
 *   UpdateItem on items the queue refused; SendMessage(Batch) on the jobs queue.
 * - get-job: one Query of the job's partition.
 * - job-worker (the queue's consumer): jobs GetItem/UpdateItem on items, PutItem/GetItem of text claims;
 *   sayings listCollection (Query + BatchGetItem, for duplicates) and putIfAbsent (PutItem, UpdateItem on
 *   `#count`); usage PutItem per model call; the model keys and Bedrock like get-saying.
 * - manage-keys (ADR 0012): create = TransactWriteItems [Put secret, Put record] (PutItem); get = GetItem;
 *   list = Query on `byOwner`; revoke = UpdateItem (record, then the secret's purgeAt); rotate = GetItem, then
 *   TransactWriteItems [Put new secret, Update old secret, Update record] (PutItem, UpdateItem), then GetItem.
 *   The admin token: GetParameter on `admin/token` (decrypted).
 * - a gateway function (`/v1/*`) needs apiKeys GetItem (authenticate: secret, then record; a refused reservation
 *   or a repeated settlement reads the record) and UpdateItem (reserveBudget, recordUse, reclaiming).
 */
export const FUNCTION_SPECS: readonly FunctionSpec[] = [
  {
    name: 'get-saying',
    description: 'GET /sayings: a saying from the collection, the pool or a live model',
    method: 'GET',
    path: '/sayings',
    memorySize: 1024,
    timeoutSeconds: 28,
    tables: { sayings: ['get', 'batchGet', 'query', 'put', 'update'], usage: ['put'] },
    callsModels: true,
  },
  {
    name: 'submit-feedback',
    description: 'POST /feedback: an idempotent vote on a saying',
    method: 'POST',
    path: '/feedback',
    memorySize: 512,
    timeoutSeconds: 10,
    tables: { sayings: ['get', 'update'], feedback: ['get', 'put'] },
    callsModels: false,
    identifiesClients: true,
  },
  {
    name: 'get-stats',
    description: 'GET /stats: per-model requests, latency, tokens, cost and approval',
    method: 'GET',
    path: '/stats',
    memorySize: 1024,
    timeoutSeconds: 15,
    tables: { sayings: ['query', 'batchGet'], feedback: ['query', 'scan'], usage: ['query', 'scan'] },
    callsModels: false,
  },
  {
    name: 'get-health',
    description: 'GET /health: collection readable, model status',
    method: 'GET',
    path: '/health',
    memorySize: 512,
    timeoutSeconds: 10,
    tables: { sayings: ['get'] },
    callsModels: false,
  },
  {
    name: 'chat',
    description: 'POST /chat: session chat with a cloud-sayings companion (3 s sync path)',
    method: 'POST',
    path: '/chat',
    memorySize: 1024,
    // The answer is due within CHAT_DEADLINE_MS (3 s); the rest covers a cold start and a slow session write.
    timeoutSeconds: 10,
    tables: { sessions: ['get', 'put'], sayings: ['query', 'batchGet'], usage: ['put'] },
    callsModels: true,
    identifiesClients: true,
    // Chat's promise: an answer within CHAT_DEADLINE_MS (default 3 s, ADR 0017).
    p95AlarmMs: 3_000,
  },
  {
    name: 'submit-job',
    description: 'POST /jobs: a batch job stored and queued, answered 202',
    method: 'POST',
    path: '/jobs',
    memorySize: 512,
    timeoutSeconds: 10,
    tables: { jobs: ['batchWrite', 'put', 'update', 'queryTable'] },
    callsModels: false,
    sendsJobs: true,
  },
  {
    name: 'get-job',
    description: 'GET /jobs/{id}: a batch job’s status, progress, results and errors',
    method: 'GET',
    path: '/jobs/{id}',
    memorySize: 512,
    timeoutSeconds: 10,
    tables: { jobs: ['queryTable'] },
    callsModels: false,
  },
  {
    kind: 'queue-consumer',
    name: 'job-worker',
    description: 'Jobs queue consumer: one model call per job item, idempotent, batch item failures',
    memorySize: 1024,
    // A batch's records run in parallel, so the slowest model call (≤ 20 s) plus storage bounds it.
    timeoutSeconds: 60,
    tables: { jobs: ['get', 'put', 'update'], sayings: ['query', 'batchGet', 'put', 'update'], usage: ['put'] },
    callsModels: true,
    batchSize: 5,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 5,
  },
  {
    name: 'manage-keys',
    description: 'Admin API for gateway keys: create, list, show, revoke, rotate',
    method: 'POST',
    path: '/admin/keys',
    routes: [
      { method: 'POST', path: '/admin/keys' },
      { method: 'GET', path: '/admin/keys' },
      { method: 'GET', path: '/admin/keys/{id}' },
      { method: 'POST', path: '/admin/keys/{id}/revoke' },
      { method: 'POST', path: '/admin/keys/{id}/rotate' },
    ],
    memorySize: 512,
    timeoutSeconds: 10,
    tables: { apiKeys: ['get', 'put', 'update', 'query'] },
    callsModels: false,
    readsAdminToken: true,
    // Operators call it on the API's endpoint; the public site's domain does not carry it.
    behindCloudFront: false,
  },
];

/** Every route a function serves. */
export const routesOf = (spec: RouteFunctionSpec): readonly RouteSpec[] => spec.routes ?? [{ method: spec.method, path: spec.path }];

/** The environment variable that carries each table's physical name (shared with the aws profile). */
export { TABLE_ENV as TABLE_ENV_VARS } from '../src/entrypoints/config/table-env';
