import { getHealth, getStats } from './api';
import type { ModelHealth, Stats } from './api-types';
import { byId, el, setText, show } from './dom';
import { formatClock } from './format';
import { friendlyError } from './friendly-error';
import { DashboardCharts } from './dashboard/charts';
import { filtersToSearch, readFilters, statsQuery, WINDOWS, type Filters } from './dashboard/filters';
import { ModelCards } from './dashboard/model-cards';
import { startRefreshLoop } from './dashboard/refresh-loop';
import { TopSayings } from './dashboard/top-sayings';
import { renderTotals } from './dashboard/totals';

/** The dashboard: per-model cards and charts from GET /stats, refreshed in place every few seconds. */
const REFRESH_MS = 5000;

const form = byId<HTMLFormElement>('filters');
const windowSelect = byId<HTMLSelectElement>('filter-window');
const vendorSelect = byId<HTMLSelectElement>('filter-vendor');
const modelSelect = byId<HTMLSelectElement>('filter-model');

let filters: Filters = readFilters(location.search);
let catalog: readonly ModelHealth[] = [];
let lastSuccess: number | undefined;

const cards = new ModelCards(byId('model-cards'));
const charts = new DashboardCharts();
const top = new TopSayings(byId<HTMLOListElement>('top-sayings'), byId('top-empty'));

/** Model choices follow the vendor filter; a model named in the URL stays selectable even if unknown. */
function fillModelOptions(): void {
  const choices = catalog.filter((m) => filters.vendor === '' || m.vendor === filters.vendor);
  const wanted = [['', 'All models'], ...choices.map((m) => [m.model, m.displayName])];
  if (filters.model !== '' && !choices.some((m) => m.model === filters.model)) wanted.push([filters.model, filters.model]);
  const current = [...modelSelect.options].map((o) => [o.value, o.text]);
  if (JSON.stringify(current) !== JSON.stringify(wanted)) {
    modelSelect.replaceChildren(...wanted.map(([value = '', text = '']) => Object.assign(el('option', undefined, text), { value })));
  }
  modelSelect.value = filters.model;
}

function syncControls(): void {
  windowSelect.value = filters.window;
  vendorSelect.value = filters.vendor;
  fillModelOptions();
}

function render(stats: Stats, health: ReadonlyMap<string, ModelHealth>): void {
  renderTotals(stats.totals, WINDOWS[filters.window].label);
  cards.update(stats.models, health);
  charts.update(stats.models);
  top.update(stats.topSayings);
  show(byId('models-empty'), stats.models.length === 0);
  const traffic = stats.models.some((m) => m.requests > 0 || m.tokens > 0 || m.latencyMs !== null);
  show(byId('charts-empty'), !traffic);
}

function setRefreshState(state: 'ok' | 'error', text: string): void {
  const box = byId('refresh-state');
  box.dataset.state = state;
  setText(byId('updated'), text);
}

async function refresh(): Promise<void> {
  const asked = filters;
  const [stats, health] = await Promise.allSettled([getStats(statsQuery(asked, Date.now())), getHealth()]);
  if (asked !== filters) return; // The filters changed meanwhile: the loop runs again with the new ones.
  if (health.status === 'fulfilled') {
    catalog = health.value.models;
    fillModelOptions();
  }
  if (stats.status === 'rejected') {
    const { title, detail } = friendlyError(stats.reason);
    setText(byId('dash-error-title'), title);
    setText(byId('dash-error-detail'), lastSuccess === undefined ? detail : `${detail} Showing the data from ${formatClock(lastSuccess)}.`);
    show(byId('dash-error'), true);
    setRefreshState('error', lastSuccess === undefined ? 'Not loaded' : `Stale since ${formatClock(lastSuccess)}`);
    return;
  }
  show(byId('dash-error'), false);
  const byModel = new Map(health.status === 'fulfilled' ? health.value.models.map((m) => [m.model, m]) : []);
  render(stats.value, byModel);
  lastSuccess = Date.now();
  setRefreshState('ok', `Updated ${formatClock(lastSuccess)}`);
}

syncControls();
const loop = startRefreshLoop(refresh, REFRESH_MS);

form.addEventListener('change', () => {
  const vendor = vendorSelect.value;
  const next = readFilters(`?${new URLSearchParams({ window: windowSelect.value, vendor, model: modelSelect.value }).toString()}`);
  // A model of another vendor cannot match: changing the vendor clears it.
  const model = catalog.some((m) => m.model === next.model && next.vendor !== '' && m.vendor !== next.vendor) ? '' : next.model;
  filters = { ...next, model };
  history.replaceState(null, '', `${location.pathname}${filtersToSearch(filters)}`);
  syncControls();
  loop.runNow();
});
form.addEventListener('submit', (event) => event.preventDefault());
