import type { Vendor } from '../api-types';

/** The dashboard's filters, kept in the page's query string so that a filtered view can be shared. */

export const WINDOWS = {
  '15m': { ms: 15 * 60_000, label: 'in the last 15 minutes' },
  '1h': { ms: 60 * 60_000, label: 'in the last hour' },
  '6h': { ms: 6 * 60 * 60_000, label: 'in the last 6 hours' },
  '24h': { ms: 24 * 60 * 60_000, label: 'in the last 24 hours' },
  '7d': { ms: 7 * 24 * 60 * 60_000, label: 'in the last 7 days' },
} as const;

export type WindowKey = keyof typeof WINDOWS;

export interface Filters {
  readonly window: WindowKey;
  readonly vendor: Vendor | '';
  readonly model: string;
}

export const DEFAULT_FILTERS: Filters = { window: '24h', vendor: '', model: '' };

const VENDORS: readonly Vendor[] = ['anthropic', 'openai', 'bedrock'];
const MODEL_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

const isWindow = (v: string | null): v is WindowKey => v !== null && Object.hasOwn(WINDOWS, v);
const isVendor = (v: string | null): v is Vendor => v !== null && (VENDORS as readonly string[]).includes(v);

/** Reads filters from a query string, ignoring anything it does not recognise. */
export function readFilters(search: string): Filters {
  const q = new URLSearchParams(search);
  const window = q.get('window');
  const vendor = q.get('vendor');
  const model = q.get('model') ?? '';
  return {
    window: isWindow(window) ? window : DEFAULT_FILTERS.window,
    vendor: isVendor(vendor) ? vendor : '',
    model: MODEL_KEY.test(model) ? model : '',
  };
}

/** The page's own query string for these filters (defaults left out). */
export function filtersToSearch(f: Filters): string {
  const q = new URLSearchParams();
  if (f.window !== DEFAULT_FILTERS.window) q.set('window', f.window);
  if (f.vendor !== '') q.set('vendor', f.vendor);
  if (f.model !== '') q.set('model', f.model);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** The query of GET /stats for these filters at time `now`. */
export function statsQuery(f: Filters, now: number): URLSearchParams {
  const q = new URLSearchParams({ from: String(now - WINDOWS[f.window].ms), to: String(now) });
  if (f.vendor !== '') q.set('vendor', f.vendor);
  if (f.model !== '') q.set('model', f.model);
  return q;
}
