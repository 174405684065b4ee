import { createHash } from 'node:crypto';
import type { CollectionEntry } from '../../application/seed-collection/seed-collection.use-case';
import { SEED_SAYINGS } from './seed-sayings';

/** The shipped collection with ids derived from content, so every instance seeds the same ids. */
export const COLLECTION_ENTRIES: readonly CollectionEntry[] = SEED_SAYINGS.map((s) => ({
  id: `c-${createHash('sha256').update(`${s.serviceId}\n${s.text}`).digest('hex').slice(0, 16)}`,
  serviceId: s.serviceId,
  text: s.text,
}));
