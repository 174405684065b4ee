import { parseArgs } from 'node:util';
import { IDEMPOTENCY_KEY } from '../../domain/shared/idempotency-key';

/** A command line the CLI understood; anything else is a `UsageError` (exit code 2). */
export type KeysCommand =
  | { readonly name: 'create'; readonly create: CreateArgs }
  | { readonly name: 'list' }
  | { readonly name: 'show' | 'revoke'; readonly id: string }
  | { readonly name: 'rotate'; readonly id: string; readonly graceSeconds: number | undefined }
  | { readonly name: 'help' };

export interface CreateArgs {
  readonly name: string;
  readonly models: readonly string[] | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly budgetUsd: number | undefined;
  /** Epoch ms, or a duration from now in ms (`30d`). */
  readonly expires: { readonly at: number } | { readonly inMs: number } | undefined;
  /** Makes the create safe to retry: the same key and arguments answer the key the first run made. */
  readonly idempotencyKey: string | undefined;
}

export interface GlobalArgs {
  readonly json: boolean;
  readonly profile: 'local' | 'aws' | undefined;
  readonly dataDir: string | undefined;
  readonly owner: string | undefined;
  readonly table: string | undefined;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: npm run keys -- <command> [options]

Commands:
  create --name NAME [--models haiku,gpt-4.1] [--rpm N] [--tpm N] [--budget-usd X] [--expires 2027-01-31T00:00:00Z|30d|12h]
         [--idempotency-key K]   (run again with the same K and arguments: no second key; needs an absolute --expires)
  list
  show ID
  revoke ID
  rotate ID [--grace-seconds N]     (the old key keeps working for the grace period; default API_KEY_ROTATION_GRACE_MS)
  help

Options:
  --json                 machine-readable output (the admin API's JSON)
  --profile local|aws    local: the data folder (default; through the running server's admin API if it owns it);
                         aws: DynamoDB (API_KEYS_TABLE, AWS_REGION, the SDK's credentials)
  --data-dir DIR         local profile's data folder (default DATA_DIR or ./data)
  --table NAME           aws profile's apiKeys table (default API_KEYS_TABLE)
  --owner OWNER          whose keys (default admin)

Exit codes: 0 done, 1 failed (not found, revoked, store unreachable), 2 bad arguments.`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  profile: { type: 'string' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  owner: { type: 'string' },
  name: { type: 'string' },
  models: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'budget-usd': { type: 'string' },
  expires: { type: 'string' },
  'idempotency-key': { type: 'string' },
  'grace-seconds': { type: 'string' },
} as const;

/** Options each command accepts besides the global ones. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  create: ['name', 'models', 'rpm', 'tpm', 'budget-usd', 'expires', 'idempotency-key'],
  list: [],
  show: [],
  revoke: [],
  rotate: ['grace-seconds'],
  help: [],
};
const GLOBAL = ['json', 'help', 'profile', 'data-dir', 'table', 'owner'];

export function parseKeysArgs(argv: readonly string[]): { command: KeysCommand; global: GlobalArgs } {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const global: GlobalArgs = {
    json: values.json === true,
    profile: oneOf(values.profile, ['local', 'aws'], '--profile'),
    dataDir: values['data-dir'],
    owner: values.owner,
    table: values.table,
  };
  const [name, ...rest] = positionals;
  if (values.help === true || name === undefined || name === 'help') return { command: { name: 'help' }, global };
  const allowed = ALLOWED[name];
  if (allowed === undefined) throw new UsageError(`unknown command "${name}"; use create, list, show, revoke or rotate`);
  const stray = Object.keys(values).filter((k) => !GLOBAL.includes(k) && !allowed.includes(k));
  if (stray.length > 0) throw new UsageError(`${name} does not take ${stray.map((s) => `--${s}`).join(', ')}`);
  const wantsId = name === 'show' || name === 'revoke' || name === 'rotate';
  if (rest.length !== (wantsId ? 1 : 0)) throw new UsageError(wantsId ? `${name} needs exactly one key id` : `${name} takes no arguments (got ${rest.join(' ')})`);
  const id = rest[0] ?? '';
  if (wantsId && !/^key_[0-9a-f]{32}$/.test(id)) throw new UsageError(`"${id.slice(0, 80)}" is not a key id (key_ followed by 32 hex digits)`);

  switch (name) {
    case 'create': {
      if (values.name === undefined) throw new UsageError('create needs --name');
      const expires = expiry(values.expires);
      const idempotencyKey = idempotency(values['idempotency-key']);
      // "30d" means another instant on every run, so a retry would never match the first run.
      if (idempotencyKey !== undefined && expires !== undefined && 'inMs' in expires) {
        throw new UsageError('--idempotency-key needs an absolute --expires (2027-01-31T00:00:00Z): a duration would differ on a retry');
      }
      return {
        command: {
          name,
          create: {
            name: values.name,
            models: values.models === undefined ? undefined : values.models.split(',').map((m) => m.trim()).filter((m) => m !== ''),
            rpm: whole(values.rpm, '--rpm'),
            tpm: whole(values.tpm, '--tpm'),
            budgetUsd: decimal(values['budget-usd'], '--budget-usd'),
            expires,
            idempotencyKey,
          },
        },
        global,
      };
    }
    case 'rotate':
      return { command: { name, id, graceSeconds: whole(values['grace-seconds'], '--grace-seconds') }, global };
    case 'show':
    case 'revoke':
      return { command: { name, id }, global };
    default:
      return { command: { name: 'list' }, global };
  }
}

function whole(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text.slice(0, 40)}"`);
  return Number(text);
}

function decimal(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}(\.\d{1,9})?$/.test(text)) throw new UsageError(`${flag} must be a number of dollars such as 2.50, got "${text.slice(0, 40)}"`);
  return Number(text);
}

/** As the admin API's Idempotency-Key header: 1–128 visible ASCII characters. */
function idempotency(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(text)) throw new UsageError('--idempotency-key must be 1–128 visible ASCII characters (a UUID is best)');
  return text;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function expiry(text: string | undefined): CreateArgs['expires'] {
  if (text === undefined) return undefined;
  const relative = /^(\d{1,5})([mhd])$/.exec(text);
  if (relative) return { inMs: Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS] };
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) throw new UsageError(`--expires must be an ISO-8601 time with a zone (2027-01-31T00:00:00Z) or a duration (30d, 12h, 90m), got "${text.slice(0, 40)}"`);
  return { at };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be ${allowed.join(' or ')}`);
  return value as T;
}
