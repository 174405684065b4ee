import type { Origin, Saying } from '../../../domain/sayings/saying';
import { bool, defined, map, num, oneOf, optNum, str, VENDORS, type Item } from './item-fields';
import { SAYINGS } from './table-design';

/** Marks real saying items, so the counter item (and anything else stored beside them) is never read as one. */
export const SAYING_ENTITY = 'saying';
export const COUNT_ITEM_KEY = '#count';
export const COLLECTION_PK = 'collection';
export const VOTED_PK = 'voted';

/** The sort key of the voted index: vendor, then model, so a prefix selects either. */
export function rankSk(saying: Pick<Saying, 'id' | 'origin'>): string {
  return saying.origin.kind === 'generated' ? `${rankPrefix(saying.origin.vendor, saying.origin.model)}${saying.id}` : `collection#-#${saying.id}`;
}

export function rankPrefix(vendor: string, model: string | undefined): string {
  return model === undefined ? `${vendor}#` : `${vendor}#${model}#`;
}

/** A new saying's item. Counters start at the saying's own values (0 for a fresh one) and then only move by ADD. */
export function toSayingItem(saying: Saying): Record<string, unknown> {
  const o = saying.origin;
  const g = saying.generation;
  return defined({
    [SAYINGS.pk]: saying.id,
    entity: SAYING_ENTITY,
    text: saying.text,
    serviceId: saying.serviceId,
    origin: o.kind === 'collection' ? { kind: 'collection' } : { kind: 'generated', vendor: o.vendor, model: o.model, offline: o.offline },
    generation:
      g === undefined
        ? undefined
        : defined({ llmTimeMs: g.llmTimeMs, inputTokens: g.inputTokens, outputTokens: g.outputTokens, costNano: g.costNano }),
    upvotes: saying.upvotes,
    downvotes: saying.downvotes,
    createdAt: saying.createdAt,
    [SAYINGS.collectionPk]: o.kind === 'collection' ? COLLECTION_PK : undefined,
    [SAYINGS.rankSk]: rankSk(saying),
    // A saying stored with votes already (a migration) belongs in the voted index from the start.
    [SAYINGS.votedPk]: saying.upvotes + saying.downvotes > 0 ? VOTED_PK : undefined,
  });
}

export const isSayingItem = (item: Item): boolean => item.entity === SAYING_ENTITY;

export function fromSayingItem(item: Item): Saying {
  const o = map(item, 'origin') ?? {};
  const origin: Origin =
    oneOf(o, 'kind', ['collection', 'generated'] as const) === 'collection'
      ? { kind: 'collection' }
      : { kind: 'generated', vendor: oneOf(o, 'vendor', VENDORS), model: str(o, 'model'), offline: bool(o, 'offline') };
  const g = map(item, 'generation');
  return {
    id: str(item, SAYINGS.pk),
    text: str(item, 'text'),
    serviceId: str(item, 'serviceId'),
    origin,
    generation:
      g === undefined
        ? undefined
        : { llmTimeMs: num(g, 'llmTimeMs'), inputTokens: optNum(g, 'inputTokens'), outputTokens: optNum(g, 'outputTokens'), costNano: optNum(g, 'costNano') },
    upvotes: num(item, 'upvotes'),
    downvotes: num(item, 'downvotes'),
    createdAt: num(item, 'createdAt'),
  };
}
