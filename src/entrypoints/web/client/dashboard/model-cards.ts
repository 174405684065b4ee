import type { ModelHealth, ModelStats } from '../api-types';
import { el, setText, show } from '../dom';
import { EMPTY, formatCount, formatMs, formatPercent, formatUsd } from '../format';
import { cacheHitRate, modelStatus, VENDOR_NAMES } from './model-status';

const ROWS = [
  ['requests', 'Requests'],
  ['cache', 'Cache hit rate'],
  ['p50', 'LLM latency p50'],
  ['p95', 'LLM latency p95'],
  ['tokens', 'Tokens'],
  ['cost', 'Cost'],
  ['approval', 'Approval'],
  ['votes', 'Votes'],
] as const;

type Field = (typeof ROWS)[number][0];

interface CardRefs {
  readonly root: HTMLElement;
  readonly badge: HTMLElement;
  readonly values: Readonly<Record<Field, HTMLElement>>;
  readonly note: HTMLElement;
}

/**
 * One card per model, created once and then updated in place: a refresh changes text, never the
 * elements, so nothing flickers and focus or selection inside the grid survives.
 */
export class ModelCards {
  private readonly cards = new Map<string, CardRefs>();

  constructor(private readonly container: HTMLElement) {}

  update(models: readonly ModelStats[], health: ReadonlyMap<string, ModelHealth>): void {
    const shown = new Set<string>();
    let previous: Element | null = null;
    for (const m of models) {
      const card = this.cards.get(m.model) ?? this.create(m);
      this.fill(card, m, health.get(m.model));
      shown.add(m.model);
      // Keep the API's order without moving cards that are already in place.
      const expected: Element | null = previous ? previous.nextElementSibling : this.container.firstElementChild;
      if (expected !== card.root) this.container.insertBefore(card.root, expected);
      previous = card.root;
    }
    for (const [key, card] of this.cards) show(card.root, shown.has(key));
  }

  private create(m: ModelStats): CardRefs {
    const root = el('article', 'card model-card');
    root.dataset.model = m.model;
    root.dataset.vendor = m.vendor;
    const head = el('header', 'model-card-head');
    const badge = el('span', 'badge');
    const vendor = el('p', 'model-vendor', `${VENDOR_NAMES[m.vendor]} · ${m.model}`);
    head.append(el('h3', 'model-name', m.displayName), badge);
    const list = el('dl', 'model-stats');
    const values = {} as Record<Field, HTMLElement>;
    for (const [key, label] of ROWS) {
      const row = el('div');
      const dd = el('dd', undefined, EMPTY);
      dd.dataset.field = key;
      row.append(el('dt', undefined, label), dd);
      list.append(row);
      values[key] = dd;
    }
    const note = el('p', 'model-note');
    root.append(head, vendor, list, note);
    const refs: CardRefs = { root, badge, values, note };
    this.cards.set(m.model, refs);
    return refs;
  }

  private fill(card: CardRefs, m: ModelStats, health: ModelHealth | undefined): void {
    const status = modelStatus(m, health);
    setText(card.badge, status.label);
    card.badge.classList.toggle('badge-live', status.live);
    card.badge.classList.toggle('badge-offline', !status.live);
    card.badge.title = status.detail;
    card.root.dataset.status = status.label;

    const v = card.values;
    setText(v.requests, formatCount(m.requests));
    setText(v.cache, formatPercent(cacheHitRate(m)));
    setText(v.p50, formatMs(m.latencyMs?.p50));
    setText(v.p95, formatMs(m.latencyMs?.p95));
    setText(v.tokens, formatCount(m.tokens));
    setText(v.cost, formatUsd(m.costUsd));
    const votes = m.upvotes + m.downvotes;
    setText(v.approval, votes === 0 ? EMPTY : formatPercent(m.approval));
    setText(v.votes, `${formatCount(m.upvotes)} up · ${formatCount(m.downvotes)} down`);

    const idle = m.requests === 0 && m.tokens === 0 && m.latencyMs === null;
    setText(card.note, idle ? 'No traffic in this window.' : votes === 0 ? 'No votes yet.' : '');
    card.root.classList.toggle('is-idle', idle);
  }
}
