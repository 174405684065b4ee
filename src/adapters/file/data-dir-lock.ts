import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/*
 * One owner at a time for a file store in the data folder (ADR 0013). The lock is a small JSON file created
 * atomically (written beside, then hard-linked into place: `link` fails if the name exists, and a reader never
 * sees half a file). A lock whose process is gone is taken over; two processes taking over the same stale lock
 * are serialised by a short-lived second lock, so only one of them wins.
 */

export interface LockOwner {
  readonly pid: number;
  readonly role: 'server' | 'cli';
  readonly startedAt: number;
  /** Set by a server once it listens: where `npm run keys` can reach its admin API instead of the files. */
  readonly adminUrl?: string;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly lockPath: string,
    readonly holder: LockOwner,
  ) {
    super(`${lockPath} is held by process ${holder.pid} (${holder.role}); stop it, or remove the file if no such process runs`);
  }
}

export interface AcquireOptions {
  /** How long to wait for a live holder to let go (a CLI command holds the lock for a moment only). */
  readonly waitMs: number;
  readonly pollMs?: number;
}

const TAKEOVER_STALE_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export class DataDirLock {
  private constructor(
    readonly path: string,
    private owner: LockOwner,
  ) {}

  /** Takes the lock, waiting up to `waitMs` for a live holder; then throws `DataDirLockedError`. */
  static async acquire(path: string, owner: LockOwner, options: AcquireOptions): Promise<DataDirLock> {
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      if (tryCreate(path, owner)) return new DataDirLock(path, owner);
      const holder = readOwner(path);
      if (holder === undefined || !isAlive(holder.pid)) {
        if (!takeOverStale(path, holder)) await sleep(options.pollMs ?? 50);
        continue;
      }
      if (Date.now() >= deadline) throw new DataDirLockedError(path, holder);
      await sleep(options.pollMs ?? 50);
    }
  }

  /** The live holder of a lock, if any (a stale lock counts as free). */
  static holder(path: string): LockOwner | undefined {
    const holder = readOwner(path);
    return holder !== undefined && isAlive(holder.pid) ? holder : undefined;
  }

  /** Rewrites this owner's entry (atomically: write beside, rename over). */
  update(patch: Partial<Pick<LockOwner, 'adminUrl'>>): void {
    this.owner = { ...this.owner, ...patch };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.owner), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  release(): void {
    if (readOwner(this.path)?.pid === this.owner.pid) unlinkQuietly(this.path);
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(tmp);
  }
}

/** Removes a stale lock; false when another process is doing so (the caller waits a moment and looks again). */
function takeOverStale(path: string, seen: LockOwner | undefined): boolean {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; its guard is only ever held for microseconds unless it died.
    if (Date.now() - mtimeOf(guard) > TAKEOVER_STALE_MS) unlinkQuietly(guard);
    return false;
  }
  try {
    const now = readOwner(path);
    if (now?.pid === seen?.pid && now?.startedAt === seen?.startedAt) unlinkQuietly(path);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.startedAt !== 'number') return undefined;
    return { pid: parsed.pid, role: parsed.role === 'cli' ? 'cli' : 'server', startedAt: parsed.startedAt, ...(typeof parsed.adminUrl === 'string' ? { adminUrl: parsed.adminUrl } : {}) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
