import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^TypeError \[\w+\]: /, '') : String(error));
  }
}

/** `a,b` and repeated flags both give a list; empty parts are dropped. */
export function listOf(values: string | readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const all = (typeof values === 'string' ? [values] : [...values]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return all;
}

export function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Runs a CLI: usage errors exit 2 with the usage text, anything else 1, without a stack trace. */
export function runCli(usage: string, main: () => Promise<number>): void {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`error: ${error.message}\n\n${usage}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}

export const usd = (nano: number): string => `$${(nano / 1e9).toFixed(6)}`;
export const thousands = (n: number): string => n.toLocaleString('en-US');
