import { BatchGetCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './item-fields';

/** Every page of a query. */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every page of a scan. */
export async function scanAll(client: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const BATCH_GET_LIMIT = 100;
const UNPROCESSED_ROUNDS = 8;

/**
 * The items behind `keys` (100 per request), asking again for the keys DynamoDB left unprocessed (it does so
 * under throttling) with a short backoff, a bounded number of times. Missing items are simply absent.
 */
export async function batchGetAll(client: DynamoDBDocumentClient, tableName: string, keys: readonly Record<string, unknown>[]): Promise<Item[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) chunks.push(keys.slice(i, i + BATCH_GET_LIMIT));
  const pages = await mapLimit(chunks, 4, async (chunk) => {
    const found: Item[] = [];
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${round} rounds`);
      if (round > 0) await sleep(Math.random() * Math.min(1_000, 25 * 2 ** round));
      const page = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      found.push(...(page.Responses?.[tableName] ?? []));
      pending = page.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return found;
  });
  return pages.flat();
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
