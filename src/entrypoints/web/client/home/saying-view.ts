import type { Saying } from '../api-types';
import { byId, setText, show } from '../dom';
import { formatCount, formatMs, formatUsd } from '../format';

/** Fills the saying card. Every value goes in as text: model output is never parsed as HTML. */
export function renderSaying(saying: Saying): void {
  const generated = saying.vendor !== null;
  setText(byId('saying-service'), saying.service);
  setText(byId('saying-text'), saying.saying);
  setText(byId('saying-source'), saying.source);

  const badge = byId('saying-badge');
  show(badge, generated);
  setText(badge, saying.offline ? 'simulated' : 'live model');
  badge.classList.toggle('badge-live', !saying.offline);
  badge.classList.toggle('badge-offline', saying.offline);

  setText(byId('fact-execution'), formatMs(saying.executionTime));
  setText(byId('fact-llm'), generated ? formatMs(saying.originalLlmTime) : 'none: human-written');
  setText(byId('fact-cached'), saying.isCached ? 'yes, from the pool' : 'no');
  show(byId('fact-tokens-row'), generated);
  show(byId('fact-cost-row'), generated);
  byId('facts').classList.toggle('facts-generated', generated);
  setText(byId('fact-tokens'), formatCount(saying.tokens));
  setText(byId('fact-cost'), formatUsd(saying.costUsd));
  setText(byId('fact-request'), `#${saying.requestNumber}`);

  const card = byId('saying-card');
  card.dataset.sayingId = saying.sayingId;
  card.dataset.request = String(saying.requestNumber);
  show(card, true);
  // Restart the entrance animation for each new saying.
  card.classList.remove('is-new');
  void card.offsetWidth;
  card.classList.add('is-new');
}
