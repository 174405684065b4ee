import type { IssuedKeyView, KeyView } from '../../application/keys/key-view';

/** Human output of `npm run keys`; `--json` prints the admin API's bodies instead. */

const usd = (value: number): string => `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}`;
const when = (iso: string | null, none: string): string => (iso === null ? none : iso.replace('.000Z', 'Z'));

export function describeKey(view: KeyView): string {
  const lines = [
    `${view.id}  ${JSON.stringify(view.name)}  (owner ${view.owner})`,
    `  key:       ${view.display}`,
    `  status:    ${view.status}${view.revokedAt ? ` since ${when(view.revokedAt, '')}` : ''}`,
    `  models:    ${view.models === null ? 'all' : view.models.join(', ')}`,
    `  limits:    ${view.rpm === null ? 'default rpm' : `${view.rpm} rpm`}, ${view.tpm === null ? 'default tpm' : `${view.tpm} tpm`}`,
    `  budget:    ${view.budget === null ? 'none' : `${usd(view.budget.limitUsd)} (${usd(view.budget.remainingUsd)} left)`}`,
    `  usage:     ${view.usage.requests} requests, ${view.usage.tokens} tokens, ${usd(view.usage.costUsd)}`,
    `  created:   ${when(view.createdAt, '')}`,
    `  expires:   ${when(view.expiresAt, 'never')}`,
    `  last used: ${when(view.lastUsedAt, 'never')}`,
  ];
  if (view.previousKey) {
    lines.push(`  previous:  ${view.previousKey.display} ${view.previousKey.active ? 'works until' : 'stopped at'} ${when(view.previousKey.validUntil, '')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function describeIssued(view: IssuedKeyView, verb: 'Created' | 'Rotated'): string {
  return [
    `${verb} key ${view.id}. Its value is shown this once — store it now:`,
    '',
    `  ${view.key}`,
    '',
    describeKey(view),
  ].join('\n');
}

/** A create retried with its Idempotency-Key: the key the first run made; its value was shown that once. */
export function describeReplayed(view: KeyView): string {
  return [
    `Key ${view.id} was already created with this --idempotency-key; no new key was made.`,
    'Its value was shown only when it was created. If it was lost, rotate the key for a new value:',
    `  npm run keys -- rotate ${view.id}`,
    '',
    describeKey(view),
  ].join('\n');
}

export function describeList(views: readonly KeyView[]): string {
  if (views.length === 0) return 'No keys yet. Create one with: npm run keys -- create --name NAME\n';
  const rows = [
    ['ID', 'NAME', 'KEY', 'STATUS', 'CREATED', 'LAST USED', 'SPENT', 'BUDGET'],
    ...views.map((v) => [
      v.id, v.name.length > 24 ? `${v.name.slice(0, 23)}…` : v.name, v.display, v.status, when(v.createdAt, '').slice(0, 10),
      when(v.lastUsedAt, 'never').slice(0, 10), usd(v.usage.costUsd), v.budget === null ? '-' : usd(v.budget.limitUsd),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return `${rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}
