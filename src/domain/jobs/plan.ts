import { ITEM_SIZE, type JobRequest } from './job';

export interface ItemPlan {
  readonly index: number;
  readonly model: string;
  readonly serviceIds: readonly string[];
}

/**
 * Splits a request into items of at most `itemSize` services: one slot per saying wanted, services taken in
 * order (cycling through the list when `count` is larger), models round-robin over the items. Pure, so a job's
 * items are fixed when it is created and every delivery asks for the same thing.
 */
export function planItems(request: Pick<JobRequest, 'count' | 'models' | 'services'>, itemSize: number = ITEM_SIZE): readonly ItemPlan[] {
  if (request.models.length === 0 || request.services.length === 0 || request.count <= 0 || itemSize <= 0) return [];
  const slots = Array.from({ length: request.count }, (_, i) => request.services[i % request.services.length] as string);
  const items: ItemPlan[] = [];
  for (let start = 0, index = 0; start < slots.length; start += itemSize, index++) {
    items.push({ index, model: request.models[index % request.models.length] as string, serviceIds: slots.slice(start, start + itemSize) });
  }
  return items;
}
