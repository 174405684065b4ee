import type { TopSaying } from '../api-types';
import { el, show } from '../dom';
import { formatCount, formatPercent } from '../format';

/** The ranked list. Rebuilt in one DOM operation only when its content changed; sayings go in as text. */
export class TopSayings {
  private signature = '';

  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
  ) {}

  update(sayings: readonly TopSaying[]): void {
    const signature = JSON.stringify(sayings.map((s) => [s.sayingId, s.upvotes, s.downvotes]));
    if (signature === this.signature) return;
    this.signature = signature;
    show(this.empty, sayings.length === 0);
    show(this.list, sayings.length > 0);
    this.list.replaceChildren(...sayings.map((s) => this.item(s)));
  }

  private item(s: TopSaying): HTMLLIElement {
    const li = el('li', 'top-item');
    li.dataset.sayingId = s.sayingId;
    const text = el('p', 'top-text', s.saying);
    const meta = el('p', 'top-meta');
    meta.append(
      el('span', 'chip', s.serviceId),
      el('span', 'top-source', s.source),
      el('span', 'top-votes', `${formatCount(s.upvotes)} up · ${formatCount(s.downvotes)} down`),
      el('span', 'top-score', `${formatPercent(s.approval)} approval · score ${s.score.toFixed(2)}`),
    );
    li.append(text, meta);
    return li;
  }
}
