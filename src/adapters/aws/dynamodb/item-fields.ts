import type { Vendor } from '../../../domain/catalog/model-catalog';

/** Typed reads of a stored item; a missing or mistyped field throws, and the adapter turns that into its port error. */
export type Item = Readonly<Record<string, unknown>>;

export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
}

export function str(item: Item, field: string): string {
  const value = item[field];
  if (typeof value !== 'string') throw new MalformedItemError(`field ${field} is not a string`);
  return value;
}

export function num(item: Item, field: string): number {
  const value = item[field];
  if (typeof value !== 'number') throw new MalformedItemError(`field ${field} is not a number`);
  return value;
}

export function bool(item: Item, field: string): boolean {
  const value = item[field];
  if (typeof value !== 'boolean') throw new MalformedItemError(`field ${field} is not a boolean`);
  return value;
}

export const optStr = (item: Item, field: string): string | undefined => (item[field] === undefined ? undefined : str(item, field));
export const optNum = (item: Item, field: string): number | undefined => (item[field] === undefined ? undefined : num(item, field));

export function oneOf<T extends string>(item: Item, field: string, allowed: readonly T[]): T {
  const value = str(item, field);
  if (!(allowed as readonly string[]).includes(value)) throw new MalformedItemError(`field ${field} has an unknown value`);
  return value as T;
}

export function optOneOf<T extends string>(item: Item, field: string, allowed: readonly T[]): T | undefined {
  return item[field] === undefined ? undefined : oneOf(item, field, allowed);
}

export function map(item: Item, field: string): Item | undefined {
  const value = item[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedItemError(`field ${field} is not a map`);
  return value as Item;
}

/**
 * Drops undefined fields: the injected document client may not have `removeUndefinedValues`, and an absent
 * attribute is how an item says "not reported".
 */
export function defined<T extends Record<string, unknown>>(fields: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** Every vendor a stored item may name; `Record` makes the compiler list them all. */
const VENDOR_SET: Readonly<Record<Vendor, true>> = { anthropic: true, openai: true, bedrock: true };
export const VENDORS = Object.keys(VENDOR_SET) as readonly Vendor[];
