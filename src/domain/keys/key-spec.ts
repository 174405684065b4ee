import { findModel, type ModelCatalog } from '../catalog/model-catalog';
import { usdToNano, type NanoUsd } from '../cost/money';
import { err, ok, type Result } from '../shared/result';

/** What an operator asks for when creating a key, from either door (admin API, CLI). */
export interface KeySpecInput {
  readonly name: string;
  /** Catalog keys or vendor model ids. */
  readonly models?: readonly string[] | undefined;
  readonly rpm?: number | undefined;
  readonly tpm?: number | undefined;
  readonly budgetUsd?: number | undefined;
  /** Epoch ms. */
  readonly expiresAt?: number | undefined;
}

/** The same, checked and normalised: models as catalog keys, money in nano-dollars. */
export interface KeySpec {
  readonly name: string;
  readonly allowedModels: readonly string[] | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly budgetNano: NanoUsd | undefined;
  readonly expiresAt: number | undefined;
}

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export const KEY_LIMITS = {
  nameChars: 100,
  maxRpm: 1_000_000,
  maxTpm: 1_000_000_000,
  maxBudgetUsd: 1_000_000,
  maxLifetimeMs: 10 * 366 * 24 * 3_600_000,
} as const;

/**
 * What a name may not hold: control characters, line and paragraph separators (they split a log line or a CLI
 * table row), and invisible format characters — bidi overrides that make a name read as another, zero-width
 * spaces — except the zero-width joiner inside emoji sequences.
 */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}]|(?!\u200D)\p{Cf}/u;

/** Every problem at once, each naming its field, so one answer says everything to fix. */
export function validateKeySpec(input: KeySpecInput, catalog: ModelCatalog, now: number): Result<KeySpec, readonly Problem[]> {
  const problems: Problem[] = [];
  const name = input.name.normalize('NFC').trim();
  if (name.length === 0) problems.push({ path: 'name', message: 'must not be empty' });
  else if (name.length > KEY_LIMITS.nameChars) problems.push({ path: 'name', message: `must be at most ${KEY_LIMITS.nameChars} characters` });
  else if (!name.isWellFormed() || UNPRINTABLE.test(name)) {
    problems.push({ path: 'name', message: 'must be printable text (no control, format or line-separator characters, no lone surrogates)' });
  }

  const allowedModels = input.models === undefined ? undefined : modelKeys(input.models, catalog, problems);
  checkWhole(input.rpm, 'rpm', 1, KEY_LIMITS.maxRpm, problems);
  checkWhole(input.tpm, 'tpm', 1, KEY_LIMITS.maxTpm, problems);

  let budgetNano: NanoUsd | undefined;
  if (input.budgetUsd !== undefined) {
    if (!Number.isFinite(input.budgetUsd) || input.budgetUsd <= 0 || input.budgetUsd > KEY_LIMITS.maxBudgetUsd) {
      problems.push({ path: 'budgetUsd', message: `must be more than 0 and at most ${KEY_LIMITS.maxBudgetUsd} US dollars` });
    } else {
      budgetNano = usdToNano(input.budgetUsd);
      if (budgetNano < 1) problems.push({ path: 'budgetUsd', message: 'must be at least one nano-dollar (0.000000001)' });
    }
  }
  if (input.expiresAt !== undefined) {
    if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= now) problems.push({ path: 'expiresAt', message: 'must be in the future' });
    else if (input.expiresAt > now + KEY_LIMITS.maxLifetimeMs) problems.push({ path: 'expiresAt', message: 'must be within 10 years' });
  }
  if (problems.length > 0) return err(problems);
  return ok({ name, allowedModels, rpm: input.rpm, tpm: input.tpm, budgetNano, expiresAt: input.expiresAt });
}

function modelKeys(models: readonly string[], catalog: ModelCatalog, problems: Problem[]): readonly string[] {
  if (models.length === 0) problems.push({ path: 'models', message: 'must name at least one model, or be left out to allow every model' });
  const keys: string[] = [];
  models.forEach((name, i) => {
    const spec = findModel(catalog, name);
    if (spec === undefined) {
      problems.push({ path: `models.${i}`, message: `unknown model "${name.slice(0, 80)}"; known: ${[...catalog.keys()].join(', ')}` });
    } else if (!keys.includes(spec.key)) {
      keys.push(spec.key);
    }
  });
  return keys;
}

function checkWhole(value: number | undefined, path: string, min: number, max: number, problems: Problem[]): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min || value > max)) {
    problems.push({ path, message: `must be a whole number from ${min} to ${max}` });
  }
}
