import fc from 'fast-check';
import { buildCatalog } from '../../src/domain/catalog/model-catalog';
import { decideReservation, expiredReservations, heldNano, reclaimedNano, settlementOf, type HeldReservation } from '../../src/domain/keys/budget';
import { secretAccepted, statusAt, NO_USAGE, type ApiKeyRecord } from '../../src/domain/keys/api-key';
import { validateKeySpec } from '../../src/domain/keys/key-spec';

/** A store that applies the domain's budget rules, as both adapters do, one step at a time. */
class BudgetModel {
  committed = 0;
  spent = 0;
  readonly held = new Map<string, HeldReservation>();
  readonly settled = new Map<string, number>();

  constructor(readonly budget: number) {}

  reserve(id: string, amount: number, now: number, ttl: number): boolean {
    const decision = decideReservation(this.budget, this.committed, amount);
    if (!decision.ok) {
      // Reclaimed reservations are presumed spent: their amount moves from held to spent, committed unchanged.
      const expired = expiredReservations(this.held, now);
      this.spent += reclaimedNano(this.held, expired);
      for (const id of expired) this.held.set(id, { ...(this.held.get(id) as HeldReservation), staleSince: now });
    }
    if (!decision.ok) {
      expect(decision.remainingNano).toBe(Math.max(0, this.budget - this.committed));
      return false;
    }
    this.held.set(id, { amountNano: amount, expiresAt: now + ttl, staleSince: undefined });
    this.committed += amount;
    return true;
  }

  settle(id: string, cost: number): void {
    const held = this.held.get(id);
    const s = settlementOf(held, true, cost);
    if (s.kind === 'already-settled') return;
    this.committed += s.committedDeltaNano;
    this.spent += s.spentDeltaNano;
    this.held.delete(id);
    this.settled.set(id, (this.settled.get(id) ?? 0) + 1);
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('reserve' as const), amount: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('settle-again' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2_000 }) }),
);

describe('budget reservations (FAULTS #25, #16)', () => {
  it('settled spend plus held reservations never exceed the budget, reclaims and late settlements included; a reservation settles once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.array(op, { maxLength: 120 }), (budget, ops) => {
        const model = new BudgetModel(budget);
        const granted: { id: string; amount: number }[] = [];
        let now = 0;
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'reserve') {
            const id = `r${next++}`;
            if (model.reserve(id, o.amount, now, 1_000)) granted.push({ id, amount: o.amount });
          } else if (o.kind === 'wait') {
            now += o.ms;
          } else if (granted.length > 0) {
            const g = granted[o.pick % granted.length] as { id: string; amount: number };
            model.settle(g.id, o.kind === 'settle' ? Math.floor(g.amount * o.fraction) : g.amount);
          }
          expect(model.committed).toBe(model.spent + heldNano(model.held.values()));
          expect(model.spent + heldNano(model.held.values())).toBeLessThanOrEqual(budget);
          expect(model.committed).toBeGreaterThanOrEqual(0);
          for (const count of model.settled.values()) expect(count).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without a reservation the cost is simply added; with one already settled nothing changes', () => {
    expect(settlementOf(undefined, false, 70)).toEqual({ kind: 'unreserved', committedDeltaNano: 70, spentDeltaNano: 70 });
    expect(settlementOf(undefined, true, 70)).toEqual({ kind: 'already-settled' });
    expect(settlementOf({ amountNano: 100, expiresAt: 5, staleSince: undefined }, true, 70)).toEqual({ kind: 'held', committedDeltaNano: -30, spentDeltaNano: 70 });
    // Reclaimed, its 100 charged as presumed spend: the actual 70 replaces it in spend and committed alike.
    expect(settlementOf({ amountNano: 100, expiresAt: 5, staleSince: 6 }, true, 70)).toEqual({ kind: 'stale', committedDeltaNano: -30, spentDeltaNano: -30 });
  });
});

const record = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: 'key_1', ownerId: 'admin', name: 'k', display: 'cs_…abcd', status: 'active', createdAt: 0, expiresAt: undefined, revokedAt: undefined,
  rotatedAt: undefined, lastUsedAt: undefined, allowedModels: undefined, rpm: undefined, tpm: undefined, budgetNano: undefined,
  usage: NO_USAGE, reservedNano: 0, previous: undefined, ...overrides,
});

describe('which secrets are accepted', () => {
  it('an active key’s secret until the key expires, a rotated-out secret until its grace and the latest rotation’s end, a revoked key never', () => {
    const time = fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), time, time, time, fc.boolean(), (now, expiresAt, validUntil, latestGraceEnd, revoked) => {
        const previous = latestGraceEnd === undefined ? undefined : { display: 'cs_…prev', validUntil: latestGraceEnd };
        const r = record({ expiresAt, status: revoked ? 'revoked' : 'active', previous });
        const accepted = secretAccepted(r, { hash: 'h', keyId: r.id, validUntil }, now);
        const rotatedOutWorks = validUntil === undefined || (now < validUntil && (latestGraceEnd === undefined || now < latestGraceEnd));
        const expected = !revoked && (expiresAt === undefined || now < expiresAt) && rotatedOutWorks;
        expect(accepted).toBe(expected);
        expect(secretAccepted(r, { hash: 'h', keyId: 'key_other', validUntil }, now)).toBe(false);
        expect(statusAt(r, now)).toBe(revoked ? 'revoked' : expiresAt !== undefined && now >= expiresAt ? 'expired' : 'active');
      }),
    );
  });
});

describe('key specs', () => {
  const catalog = buildCatalog();
  const now = 1_700_000_000_000;

  it('accepts catalog keys and vendor model ids, stored as catalog keys without duplicates; budgets become exact nano-dollars', () => {
    const spec = validateKeySpec({ name: '  ci  ', models: ['haiku', 'claude-haiku-4-5', 'gpt-4.1'], budgetUsd: 0.1, rpm: 60, tpm: 10_000, expiresAt: now + 1 }, catalog, now);
    expect(spec).toEqual({ ok: true, value: { name: 'ci', allowedModels: ['haiku', 'gpt-4.1'], rpm: 60, tpm: 10_000, budgetNano: 100_000_000, expiresAt: now + 1 } });
  });

  it('names every bad field at once', () => {
    const spec = validateKeySpec({ name: '\u0007', models: ['gpt-9', 'haiku'], rpm: 0, tpm: 1.5, budgetUsd: -1, expiresAt: now }, catalog, now);
    expect(spec.ok).toBe(false);
    const paths = spec.ok ? [] : spec.error.map((p) => p.path);
    expect(paths).toEqual(['name', 'models.0', 'rpm', 'tpm', 'budgetUsd', 'expiresAt']);
    expect(validateKeySpec({ name: 'x', models: [] }, catalog, now).ok).toBe(false);
    // Invisible or line-breaking characters: a bidi override, a zero-width space, a BOM, a line and a paragraph separator.
    for (const name of ['ci\u202Egnp.exe', 'c\u200Bi', 'c\uFEFFi', 'ci\u2028prod', 'ci\u2029prod']) {
      expect({ name, paths: problemPaths(validateKeySpec({ name }, catalog, now)) }).toEqual({ name, paths: ['name'] });
    }
    // A joined emoji (zero-width joiners) and accented or CJK text are names like any other.
    for (const name of ['team 👩\u200D💻', 'équipe', '本番']) expect(validateKeySpec({ name }, catalog, now).ok).toBe(true);
    expect(validateKeySpec({ name: 'x', expiresAt: now + 11 * 366 * 86_400_000 }, catalog, now).ok).toBe(false);
  });
});

function problemPaths(result: ReturnType<typeof validateKeySpec>): readonly string[] {
  return result.ok ? [] : result.error.map((p) => p.path);
}
