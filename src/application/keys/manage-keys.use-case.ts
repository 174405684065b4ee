import type { ModelCatalog } from '../../domain/catalog/model-catalog';
import { NO_USAGE, statusAt, type ApiKeyRecord } from '../../domain/keys/api-key';
import { API_KEY_RANDOM_BYTES, displayOfKey, formatApiKey } from '../../domain/keys/api-key-format';
import { createdBy, idempotentKeyId, keySpecFingerprint } from '../../domain/keys/idempotency';
import { validateKeySpec, type KeySpecInput, type Problem } from '../../domain/keys/key-spec';
import { err, ok, type Result } from '../../domain/shared/result';
import type { ApiKeyRepo } from '../../ports/api-key-repo';
import type { Clock } from '../../ports/clock';
import type { Hasher } from '../../ports/hasher';
import type { Logger } from '../../ports/logger';
import type { RandomSource } from '../../ports/random-source';
import type { SecureRandom } from '../../ports/secure-random';
import { KEY_PAGE_LIMITS, type AdminPrincipal, type CreateOptions, type KeyAdminFailure, type KeyAdministration, type ListOptions, type RotateOptions } from './key-administration';
import type { KeyLookup } from './key-lookup';
import { toKeyView, type CreatedKeyView, type IssuedKeyView, type KeyListView, type KeyView, type NewKeyView } from './key-view';

export interface ManageKeysSettings {
  /** How long a rotated-out value keeps working unless the caller says otherwise. */
  readonly rotationGraceMs: number;
  readonly maxRotationGraceMs: number;
}

/** Draws before giving up: a second collision of 192-bit keys means a broken random source, not bad luck. */
const MAX_DRAWS = 3;

export class KeyDrawError extends Error {
  override readonly name = 'KeyDrawError';
}

/**
 * Create, list, show, revoke and rotate keys (ADR 0012): the one implementation behind the admin API and the
 * CLI. The key is returned by create and rotate only; it is never logged and never stored, only its SHA-256.
 */
export class ManageKeysUseCase implements KeyAdministration {
  constructor(
    private readonly repo: ApiKeyRepo,
    private readonly lookup: KeyLookup,
    private readonly catalog: ModelCatalog,
    private readonly hasher: Hasher,
    private readonly secureRandom: SecureRandom,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: ManageKeysSettings,
  ) {}

  create(principal: AdminPrincipal, input: KeySpecInput): Promise<Result<NewKeyView, KeyAdminFailure>>;
  create(principal: AdminPrincipal, input: KeySpecInput, options: CreateOptions): Promise<Result<CreatedKeyView, KeyAdminFailure>>;
  async create(principal: AdminPrincipal, input: KeySpecInput, options: CreateOptions = {}): Promise<Result<CreatedKeyView, KeyAdminFailure>> {
    const now = this.clock.now();
    const spec = validateKeySpec(input, this.catalog, now);
    if (!spec.ok) return err(invalid('Invalid key', spec.error));
    const { idempotencyKey } = options;
    const requestFingerprint = idempotencyKey === undefined ? undefined : keySpecFingerprint(spec.value);
    const id = idempotencyKey === undefined ? `key_${this.random.uuid().replace(/-/g, '')}` : idempotentKeyId(principal.ownerId, idempotencyKey);
    if (requestFingerprint !== undefined) {
      const earlier = await this.repo.get(id);
      if (earlier) return this.replayCreate(principal, earlier, requestFingerprint);
    }
    for (let draw = 1; draw <= MAX_DRAWS; draw++) {
      const key = formatApiKey(this.secureRandom.bytes(API_KEY_RANDOM_BYTES));
      const record: ApiKeyRecord = {
        id, ownerId: principal.ownerId, name: spec.value.name, display: displayOfKey(key), status: 'active', createdAt: now,
        expiresAt: spec.value.expiresAt, revokedAt: undefined, rotatedAt: undefined, lastUsedAt: undefined,
        allowedModels: spec.value.allowedModels, rpm: spec.value.rpm, tpm: spec.value.tpm, budgetNano: spec.value.budgetNano,
        usage: NO_USAGE, reservedNano: 0, previous: undefined,
        ...(requestFingerprint === undefined ? {} : { requestFingerprint }),
      };
      // FAULTS #13: a hash already stored refuses the write and nothing is overwritten; a new key is drawn.
      const outcome = await this.repo.create({ record, secretHash: this.hasher.sha256Hex(key) });
      if (outcome === 'created') {
        this.logger.info('api key created', { keyId: id, owner: principal.ownerId, display: record.display, idempotent: requestFingerprint !== undefined });
        return ok({ ...toKeyView(record, now), key, replayed: false });
      }
      if (outcome === 'id_taken') {
        // A racing retry with the same Idempotency-Key stored it first; a random id is never taken.
        const earlier = requestFingerprint === undefined ? undefined : await this.repo.get(id);
        if (!earlier || requestFingerprint === undefined) throw new KeyDrawError(`key id ${id} is taken`);
        return this.replayCreate(principal, earlier, requestFingerprint);
      }
      this.logger.warn('api key hash collision on create; drawing again', { keyId: id, draw });
    }
    throw new KeyDrawError(`no unused API key after ${MAX_DRAWS} draws; the random source is suspect`);
  }

  /** The key an earlier create with this Idempotency-Key made, if the same request made it — never its value. */
  private replayCreate(principal: AdminPrincipal, earlier: ApiKeyRecord, requestFingerprint: string): Result<CreatedKeyView, KeyAdminFailure> {
    if (earlier.ownerId !== principal.ownerId || !createdBy(earlier, requestFingerprint)) {
      return err({ code: 'idempotency_key_reused', message: 'This Idempotency-Key already created a key from a different request; use a new Idempotency-Key for a new key.' });
    }
    this.logger.info('api key create replayed', { keyId: earlier.id, owner: principal.ownerId });
    return ok({ ...toKeyView(earlier, this.clock.now()), replayed: true });
  }

  async list(principal: AdminPrincipal, options: ListOptions = {}): Promise<Result<KeyListView, KeyAdminFailure>> {
    const limit = options.limit ?? KEY_PAGE_LIMITS.default;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > KEY_PAGE_LIMITS.max) {
      return err(invalid('Invalid list', [{ path: 'limit', message: `must be a whole number from 1 to ${KEY_PAGE_LIMITS.max}` }]));
    }
    const page = await this.repo.listByOwner(principal.ownerId, { limit, afterId: options.after });
    if (page === 'unknown_after') return err(invalid('Invalid list', [{ path: 'after', message: 'must be the id of one of your keys: the last one of the previous page' }]));
    const now = this.clock.now();
    const keys = page.records.map((r) => toKeyView(r, now));
    return ok({ keys, hasMore: page.hasMore, nextAfter: page.hasMore ? (keys.at(-1)?.id ?? null) : null });
  }

  async show(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>> {
    const record = await this.owned(principal, id);
    return record ? ok(toKeyView(record, this.clock.now())) : err(notFound(id));
  }

  async revoke(principal: AdminPrincipal, id: string): Promise<Result<KeyView, KeyAdminFailure>> {
    if (!(await this.owned(principal, id))) return err(notFound(id));
    const now = this.clock.now();
    const outcome = await this.repo.revoke(id, now);
    if (outcome.kind === 'not_found') return err(notFound(id));
    // This process refuses the key at once; every other one within the lookup TTL.
    this.lookup.forget(id);
    this.logger.info('api key revoked', { keyId: id, owner: principal.ownerId });
    return ok(toKeyView(outcome.record, now));
  }

  async rotate(principal: AdminPrincipal, id: string, options: RotateOptions): Promise<Result<IssuedKeyView, KeyAdminFailure>> {
    const graceMs = options.graceMs ?? this.settings.rotationGraceMs;
    if (!Number.isSafeInteger(graceMs) || graceMs < 0 || graceMs > this.settings.maxRotationGraceMs) {
      const max = Math.floor(this.settings.maxRotationGraceMs / 1000);
      return err(invalid('Invalid rotation', [{ path: 'graceSeconds', message: `must be a whole number of seconds from 0 to ${max}` }]));
    }
    const record = await this.owned(principal, id);
    if (!record) return err(notFound(id));
    const now = this.clock.now();
    const status = statusAt(record, now);
    if (status === 'revoked') return err({ code: 'key_revoked', message: `Key ${id} is revoked; create a new key instead.` });
    if (status === 'expired') return err({ code: 'key_expired', message: `Key ${id} has expired; create a new key instead.` });
    for (let draw = 1; draw <= MAX_DRAWS; draw++) {
      const key = formatApiKey(this.secureRandom.bytes(API_KEY_RANDOM_BYTES));
      const outcome = await this.repo.rotate(id, { newSecretHash: this.hasher.sha256Hex(key), newDisplay: displayOfKey(key), at: now, oldValidUntil: now + graceMs });
      if (outcome.kind === 'hash_taken') continue;
      if (outcome.kind === 'not_found') return err(notFound(id));
      if (outcome.kind === 'revoked') return err({ code: 'key_revoked', message: `Key ${id} is revoked; create a new key instead.` });
      this.lookup.forget(id);
      this.logger.info('api key rotated', { keyId: id, owner: principal.ownerId, display: outcome.record.display, graceMs });
      return ok({ ...toKeyView(outcome.record, now), key });
    }
    throw new KeyDrawError(`no unused API key after ${MAX_DRAWS} draws; the random source is suspect`);
  }

  /** The key, if it exists and belongs to the caller. */
  private async owned(principal: AdminPrincipal, id: string): Promise<ApiKeyRecord | undefined> {
    const record = await this.repo.get(id);
    return record?.ownerId === principal.ownerId ? record : undefined;
  }
}

const invalid = (what: string, details: readonly Problem[]): KeyAdminFailure => ({
  code: 'invalid_request',
  message: `${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
  details,
});

const notFound = (id: string): KeyAdminFailure => ({ code: 'key_not_found', message: `No key ${id.slice(0, 80)} here.` });
