import { randomBytes } from 'node:crypto';
import type { BudgetReservation, GatewayCaller, GatewayKeys, KeyUse, ReserveOutcome } from '../../../src/application/gateway/gateway-caller';

export interface IssuedKey {
  readonly keyId: string;
  /** The presented secret, `cs_test_…`. */
  readonly key: string;
}

export type KeySpec = Partial<Omit<GatewayCaller, 'keyId' | 'spentNano'>> & { readonly keyId?: string };

/**
 * A test-only GatewayKeys that honours the seam's contract (src/application/gateway/gateway-caller.ts) until the
 * key-management branch binds the real one: every bad key is `undefined`, the budget check and the reservation
 * are one synchronous step (so racing requests in this process can never overspend), and settling a reservation
 * twice counts once. It records every call, so tests can check what the gateway asked of it.
 */
export class TestGatewayKeys implements GatewayKeys {
  private readonly byKey = new Map<string, GatewayCaller>();
  private readonly revoked = new Set<string>();
  private readonly spent = new Map<string, number>();
  private readonly open = new Map<string, BudgetReservation>();
  private readonly settled = new Set<string>();
  private sequence = 0;
  readonly calls = { authenticate: 0, reserveBudget: 0, recordUse: 0 };
  readonly uses: { readonly keyId: string; readonly use: KeyUse; readonly reservation: BudgetReservation | undefined }[] = [];

  issue(spec: KeySpec = {}): IssuedKey {
    return this.register(`cs_test_${randomBytes(18).toString('base64url')}`, spec);
  }

  /** A key whose secret the caller chose (a server script told it by its environment). */
  register(key: string, spec: KeySpec = {}): IssuedKey {
    const keyId = spec.keyId ?? `key-${++this.sequence}`;
    this.byKey.set(key, {
      keyId,
      name: spec.name ?? keyId,
      allowedModels: spec.allowedModels,
      rpm: spec.rpm,
      tpm: spec.tpm,
      budgetNano: spec.budgetNano,
      spentNano: 0,
    });
    return { keyId, key };
  }

  revoke(keyId: string): void {
    this.revoked.add(keyId);
  }

  spentNano(keyId: string): number {
    return this.spent.get(keyId) ?? 0;
  }

  openReservations(keyId: string): number {
    return [...this.open.values()].filter((r) => r.keyId === keyId).length;
  }

  async authenticate(presentedKey: string): Promise<GatewayCaller | undefined> {
    this.calls.authenticate++;
    await Promise.resolve();
    const caller = this.byKey.get(presentedKey);
    if (!caller || this.revoked.has(caller.keyId)) return undefined;
    return { ...caller, spentNano: this.spentNano(caller.keyId) };
  }

  async reserveBudget(caller: GatewayCaller, estimateNano: number): Promise<ReserveOutcome> {
    this.calls.reserveBudget++;
    await Promise.resolve();
    if (caller.budgetNano === undefined) return { ok: true, reservation: undefined };
    const held = [...this.open.values()].filter((r) => r.keyId === caller.keyId).reduce((s, r) => s + r.amountNano, 0);
    const remainingNano = caller.budgetNano - this.spentNano(caller.keyId) - held;
    if (estimateNano > remainingNano) return { ok: false, code: 'budget_exceeded', remainingNano: Math.max(0, remainingNano) };
    const reservation: BudgetReservation = { keyId: caller.keyId, id: `res-${++this.sequence}`, amountNano: estimateNano };
    this.open.set(reservation.id, reservation);
    return { ok: true, reservation };
  }

  async recordUse(keyId: string, use: KeyUse, reservation?: BudgetReservation): Promise<void> {
    this.calls.recordUse++;
    await Promise.resolve();
    if (reservation && this.settled.has(reservation.id)) return;
    if (reservation) {
      this.settled.add(reservation.id);
      this.open.delete(reservation.id);
    }
    this.spent.set(keyId, this.spentNano(keyId) + use.costNano);
    this.uses.push({ keyId, use, reservation });
  }
}
