import type { FeedbackType } from './api-types';

/**
 * One Idempotency-Key per saying and vote: a retry after a lost response reuses it, so the server counts
 * the vote once. Built from getRandomValues, which (unlike randomUUID) works on plain-http origins too.
 */
export class VoteKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))) {}

  keyFor(sayingId: string, vote: FeedbackType): string {
    const slot = `${sayingId}\u0000${vote}`;
    let key = this.keys.get(slot);
    if (key === undefined) {
      key = `web-${vote === 'POSITIVE' ? 'up' : 'down'}-${[...this.randomBytes(16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
      this.keys.set(slot, key);
    }
    return key;
  }
}
