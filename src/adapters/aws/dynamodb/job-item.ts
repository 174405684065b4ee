import type { ItemError, ItemGeneration, JobHeader, JobItem, JobType } from '../../../domain/jobs/job';
import type { Vendor } from '../../../domain/catalog/model-catalog';
import { JOBS } from './table-design';
import { bool, MalformedItemError, num, oneOf, optNum, str, type Item } from './item-fields';

/*
 * The jobs table's items (ADR 0010): under one partition key (the job id) the header (`sk = job`), the
 * items (`item#000042`) and the text claims (`text#<sha-256 of the normalised text>`). In key order, items
 * sort before the header and claims after it, so `sk <= "job"` reads a job and its items without its claims.
 */
export const HEADER_SK = 'job';
export const itemSk = (index: number): string => `item#${String(index).padStart(6, '0')}`;
export const claimSk = (hash: string): string => `text#${hash}`;

const VENDORS: readonly Vendor[] = ['anthropic', 'openai', 'bedrock'];
const ttlSeconds = (expiresAtMs: number): number => Math.ceil(expiresAtMs / 1000);

export function toHeaderItem(h: JobHeader): Item {
  return {
    [JOBS.pk]: h.id,
    [JOBS.sk]: HEADER_SK,
    entity: 'job',
    type: h.request.type,
    count: h.request.count,
    models: [...h.request.models],
    services: [...h.request.services],
    [JOBS.createdAt]: h.createdAt,
    itemCount: h.itemCount,
    expiresAtMs: h.expiresAt,
    ...(h.requestFingerprint === undefined ? {} : { requestFingerprint: h.requestFingerprint }),
    ...(h.queuedAt === undefined ? {} : { queuedAt: h.queuedAt }),
    [JOBS.ttl]: ttlSeconds(h.expiresAt),
  };
}

export function toJobItem(jobId: string, i: JobItem, expiresAtMs: number): Item {
  return {
    [JOBS.pk]: jobId,
    [JOBS.sk]: itemSk(i.index),
    entity: 'jobItem',
    index: i.index,
    model: i.model,
    serviceIds: [...i.serviceIds],
    status: i.status,
    attempts: i.attempts,
    updatedAt: i.updatedAt,
    ...(i.generation ? { generation: toGenerationMap(i.generation) } : {}),
    ...(i.lastError ? { lastError: toErrorMap(i.lastError) } : {}),
    [JOBS.ttl]: ttlSeconds(expiresAtMs),
  };
}

export function toGenerationMap(g: ItemGeneration): Item {
  return {
    texts: g.texts.map((t) => ({ sayingId: t.sayingId, text: t.text, serviceId: t.serviceId, duplicate: t.duplicate })),
    vendor: g.vendor,
    model: g.model,
    provider: g.provider,
    offline: g.offline,
    ...(g.inputTokens === undefined ? {} : { inputTokens: g.inputTokens }),
    ...(g.outputTokens === undefined ? {} : { outputTokens: g.outputTokens }),
    ...(g.costNano === undefined ? {} : { costNano: g.costNano }),
    estimated: g.estimated,
    llmTimeMs: g.llmTimeMs,
    at: g.at,
  };
}

export function toErrorMap(e: ItemError): Item {
  return { code: e.code, message: e.message, attempt: e.attempt, at: e.at, final: e.final };
}

export function fromHeaderItem(item: Item): JobHeader {
  return {
    id: str(item, JOBS.pk),
    request: {
      type: oneOf<JobType>(item, 'type', ['generate', 'enrich']),
      count: num(item, 'count'),
      models: strings(item, 'models'),
      services: strings(item, 'services'),
    },
    createdAt: num(item, JOBS.createdAt),
    itemCount: num(item, 'itemCount'),
    expiresAt: num(item, 'expiresAtMs'),
    ...(typeof item.requestFingerprint === 'string' ? { requestFingerprint: item.requestFingerprint } : {}),
    ...(typeof item.queuedAt === 'number' ? { queuedAt: item.queuedAt } : {}),
  };
}

export function fromJobItem(item: Item): JobItem {
  return {
    index: num(item, 'index'),
    model: str(item, 'model'),
    serviceIds: strings(item, 'serviceIds'),
    status: oneOf(item, 'status', ['pending', 'succeeded', 'failed'] as const),
    attempts: num(item, 'attempts'),
    updatedAt: num(item, 'updatedAt'),
    generation: item.generation === undefined ? undefined : fromGenerationMap(map(item, 'generation')),
    lastError: item.lastError === undefined ? undefined : fromErrorMap(map(item, 'lastError')),
  };
}

export function fromGenerationMap(g: Item): ItemGeneration {
  const texts = g.texts;
  if (!Array.isArray(texts)) throw new MalformedItemError('field texts is not a list');
  return {
    texts: texts.map((t: Item) => ({ sayingId: str(t, 'sayingId'), text: str(t, 'text'), serviceId: str(t, 'serviceId'), duplicate: bool(t, 'duplicate') })),
    vendor: oneOf(g, 'vendor', VENDORS),
    model: str(g, 'model'),
    provider: str(g, 'provider'),
    offline: bool(g, 'offline'),
    inputTokens: optNum(g, 'inputTokens'),
    outputTokens: optNum(g, 'outputTokens'),
    costNano: optNum(g, 'costNano'),
    estimated: bool(g, 'estimated'),
    llmTimeMs: num(g, 'llmTimeMs'),
    at: num(g, 'at'),
  };
}

function fromErrorMap(e: Item): ItemError {
  return { code: str(e, 'code'), message: str(e, 'message'), attempt: num(e, 'attempt'), at: num(e, 'at'), final: bool(e, 'final') };
}

function strings(item: Item, field: string): readonly string[] {
  const value = item[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new MalformedItemError(`field ${field} is not a list of strings`);
  return value as string[];
}

function map(item: Item, field: string): Item {
  const value = item[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedItemError(`field ${field} is not a map`);
  return value as Item;
}
