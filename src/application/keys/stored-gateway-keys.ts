import { secretAccepted, type ApiKeyRecord } from '../../domain/keys/api-key';
import { inspectApiKey } from '../../domain/keys/api-key-format';
import type { NanoUsd } from '../../domain/cost/money';
import type { ApiKeyRepo } from '../../ports/api-key-repo';
import type { Clock } from '../../ports/clock';
import type { RandomSource } from '../../ports/random-source';
import type { BudgetReservation, GatewayCaller, GatewayKeys, KeyUse, ReserveOutcome } from '../gateway/gateway-caller';
import type { KeyLookup } from './key-lookup';

export interface StoredGatewayKeysSettings {
  /** A reservation not settled by then is presumed orphaned (its process died) and may be reclaimed. */
  readonly reservationTtlMs: number;
}

/**
 * The gateway's view of key management (`GatewayKeys`, ADR 0012). Cost per call, in storage operations:
 * - `authenticate`: none for a malformed key or a bad checksum; otherwise one cached lookup (two GetItems on
 *   DynamoDB on a miss, none while the entry is fresh).
 * - `reserveBudget`: none for a key without a budget; otherwise one conditional update (plus a read, and maybe a
 *   reclaiming update, when it is refused).
 * - `recordUse`: one update (plus a read when the reservation was already settled or reclaimed).
 */
export class StoredGatewayKeys implements GatewayKeys {
  constructor(
    private readonly lookup: KeyLookup,
    private readonly repo: ApiKeyRepo,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly settings: StoredGatewayKeysSettings,
  ) {}

  async authenticate(presentedKey: string): Promise<GatewayCaller | undefined> {
    // The checksum first: a made-up or mistyped key costs no hash and no storage call (FAULTS #21).
    if (typeof presentedKey !== 'string' || inspectApiKey(presentedKey) !== 'ok') return undefined;
    const found = await this.lookup.find(presentedKey);
    if (!found || !secretAccepted(found.record, found.secret, this.clock.now())) return undefined;
    return callerOf(found.record);
  }

  async reserveBudget(caller: GatewayCaller, estimateNano: NanoUsd): Promise<ReserveOutcome> {
    if (caller.budgetNano === undefined) return { ok: true, reservation: undefined };
    if (!Number.isSafeInteger(estimateNano) || estimateNano < 0) throw new RangeError(`a budget estimate must be whole nano-dollars ≥ 0, got ${estimateNano}`);
    const now = this.clock.now();
    const reservation: BudgetReservation = { keyId: caller.keyId, id: `res_${this.random.uuid().replace(/-/g, '')}`, amountNano: estimateNano };
    const result = await this.repo.reserve(
      caller.keyId,
      { id: reservation.id, amountNano: estimateNano, expiresAt: now + this.settings.reservationTtlMs, budgetNano: caller.budgetNano },
      now,
    );
    return result.ok ? { ok: true, reservation } : { ok: false, code: 'budget_exceeded', remainingNano: result.remainingNano };
  }

  async recordUse(keyId: string, use: KeyUse, reservation?: BudgetReservation): Promise<void> {
    for (const [name, value] of [['tokens', use.tokens], ['costNano', use.costNano]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
    }
    if (reservation && reservation.keyId !== keyId) throw new RangeError('the reservation belongs to another key');
    await this.repo.settle(keyId, { tokens: use.tokens, costNano: use.costNano, at: use.at }, reservation && { id: reservation.id, amountNano: reservation.amountNano });
  }
}

function callerOf(record: ApiKeyRecord): GatewayCaller {
  return {
    keyId: record.id,
    name: record.name,
    allowedModels: record.allowedModels,
    rpm: record.rpm,
    tpm: record.tpm,
    budgetNano: record.budgetNano,
    spentNano: record.usage.costNano,
  };
}
