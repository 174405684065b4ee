import { redact } from '../../adapters/logging/redact';
import { ADMIN_OWNER } from '../../application/keys/admin-authenticator';
import { KEY_PAGE_LIMITS, type AdminPrincipal, type KeyAdminFailure, type KeyAdministration } from '../../application/keys/key-administration';
import type { KeyView } from '../../application/keys/key-view';
import { ownerIdProblem } from '../../domain/keys/admin-token';
import { ok, type Result } from '../../domain/shared/result';
import type { Logger, LogFields } from '../../ports/logger';
import { ConfigError } from '../config/app-config';
import { parseKeysArgs, USAGE, UsageError, type KeysCommand } from './cli-args';
import { connectKeys, type KeysConnection } from './cli-connection';
import { describeIssued, describeKey, describeList, describeReplayed } from './cli-output';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes: 0 done, 1 failed, 2 bad arguments (including a key spec the use case refused). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * `npm run keys -- create|list|show|revoke|rotate … [--json]`: the same use cases as the admin API (ADR 0013).
 * The key is printed to stdout once, by create and rotate; nothing else ever prints or logs it.
 */
export async function runKeysCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseKeysArgs>;
  try {
    parsed = parseKeysArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`keys: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { command, global } = parsed;
  if (command.name === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const owner = global.owner ?? ADMIN_OWNER;
  const ownerProblem = ownerIdProblem(owner);
  if (ownerProblem !== undefined) {
    io.stderr(`keys: --owner ${ownerProblem}\n`);
    return EXIT.usage;
  }
  const fail = (code: number, message: string, error?: object): number => {
    io.stderr(global.json ? `${JSON.stringify({ error: { message, ...error } })}\n` : `keys: ${message}\n`);
    return code;
  };
  let connection: KeysConnection;
  try {
    connection = await connectKeys(global, io.env, stderrLogger(io));
  } catch (error) {
    return fail(error instanceof ConfigError ? EXIT.usage : EXIT.failed, error instanceof Error ? error.message : String(error));
  }
  try {
    if (connection.via === 'server' && owner !== ADMIN_OWNER) return fail(EXIT.usage, '--owner needs the data folder itself; stop the server, or manage the admin owner’s keys');
    return await execute(command, connection, { ownerId: owner }, io, global.json, fail);
  } catch (error) {
    return fail(EXIT.failed, error instanceof Error ? error.message : String(error));
  } finally {
    await connection.close();
  }
}

async function execute(
  command: Exclude<KeysCommand, { name: 'help' }>,
  { admin }: KeysConnection,
  principal: { ownerId: string },
  io: CliIo,
  json: boolean,
  fail: (code: number, message: string, error?: object) => number,
): Promise<number> {
  const print = (body: unknown, human: string): number => {
    io.stdout(json ? `${JSON.stringify(body, null, 2)}\n` : human);
    return EXIT.ok;
  };
  const settle = <T>(result: Result<T, KeyAdminFailure>, show: (value: T) => number): number => {
    if (result.ok) return show(result.value);
    const e = result.error;
    return fail(e.code === 'invalid_request' ? EXIT.usage : EXIT.failed, e.message, { code: e.code, ...('details' in e ? { details: e.details } : {}) });
  };
  switch (command.name) {
    case 'create': {
      const { expires, idempotencyKey, ...rest } = command.create;
      const expiresAt = expires === undefined ? undefined : 'at' in expires ? expires.at : Date.now() + expires.inMs;
      return settle(await admin.create(principal, { ...rest, expiresAt }, { idempotencyKey }), (v) => print(v, v.replayed ? describeReplayed(v) : describeIssued(v, 'Created')));
    }
    case 'list':
      return settle(await allKeys(admin, principal), (keys) => print({ keys }, describeList(keys)));
    case 'show':
      return settle(await admin.show(principal, command.id), (v) => print(v, describeKey(v)));
    case 'revoke':
      return settle(await admin.revoke(principal, command.id), (v) => print(v, `Revoked ${v.id}. Servers refuse it within API_KEY_CACHE_TTL_MS (2 s by default).\n${describeKey(v)}`));
    case 'rotate': {
      const graceMs = command.graceSeconds === undefined ? undefined : command.graceSeconds * 1000;
      return settle(await admin.rotate(principal, command.id, { graceMs }), (v) => print(v, describeIssued(v, 'Rotated')));
    }
  }
}

/** Every key of the owner, newest first, read a page at a time. */
export async function allKeys(admin: KeyAdministration, principal: AdminPrincipal, pageSize: number = KEY_PAGE_LIMITS.max): Promise<Result<readonly KeyView[], KeyAdminFailure>> {
  const keys: KeyView[] = [];
  for (let after: string | undefined; ; ) {
    const page = await admin.list(principal, { limit: pageSize, after });
    if (!page.ok) return page;
    keys.push(...page.value.keys);
    if (page.value.nextAfter === null) return ok(keys);
    after = page.value.nextAfter;
  }
}

/** Warnings and errors on stderr, redacted; the CLI's stdout carries only its output. */
function stderrLogger(io: CliIo): Logger {
  const line = (level: string) => (message: string, fields?: LogFields) => io.stderr(`${JSON.stringify({ level, message, ...(redact(fields ?? {}) as object) })}\n`);
  return { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
}
