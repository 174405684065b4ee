import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock, DataDirLockedError } from '../../src/adapters/file/data-dir-lock';
import { createLocalApp } from '../../src/entrypoints/local/local-app';
import { API_KEYS_LOCK, openLocalKeyStore } from '../../src/entrypoints/local/local-key-store';
import { silentLogger } from '../contracts/support';
import { FAST_ENV } from '../support/local-harness';

/** One owner at a time for DATA_DIR's key store (ADR 0013). */
describe('DataDirLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const owner = (role: 'server' | 'cli' = 'cli') => ({ pid: process.pid, role, startedAt: Date.now() });

  it('is held until released; a second taker waits, then fails naming the holder', async () => {
    const path = join(dir, 'x.lock');
    const lock = await DataDirLock.acquire(path, owner('server'), { waitMs: 0 });
    expect(DataDirLock.holder(path)).toMatchObject({ pid: process.pid, role: 'server' });
    const second = DataDirLock.acquire(path, owner(), { waitMs: 150, pollMs: 10 });
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(second).rejects.toThrow(/held by process \d+ \(server\)/);
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(DataDirLock.holder(path)).toBeUndefined();
    (await DataDirLock.acquire(path, owner(), { waitMs: 0 })).release();
  });

  it('a waiting taker gets the lock as soon as the holder lets go', async () => {
    const path = join(dir, 'x.lock');
    const first = await DataDirLock.acquire(path, owner(), { waitMs: 0 });
    setTimeout(() => first.release(), 100);
    const second = await DataDirLock.acquire(path, owner('server'), { waitMs: 5_000, pollMs: 10 });
    expect(DataDirLock.holder(path)).toMatchObject({ role: 'server' });
    second.release();
  });

  it('takes over the lock of a process that is gone, and of an unreadable lock file', async () => {
    const path = join(dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path, JSON.stringify({ pid: Number(dead.stdout), role: 'server', startedAt: 1 }));
    expect(DataDirLock.holder(path)).toBeUndefined();
    const lock = await DataDirLock.acquire(path, owner(), { waitMs: 0 });
    expect(DataDirLock.holder(path)).toMatchObject({ pid: process.pid });
    lock.release();
    writeFileSync(path, 'not json');
    (await DataDirLock.acquire(path, owner(), { waitMs: 0 })).release();
  });

  it('a server advertises its admin URL in its lock', async () => {
    const path = join(dir, 'x.lock');
    const lock = await DataDirLock.acquire(path, owner('server'), { waitMs: 0 });
    lock.update({ adminUrl: 'http://127.0.0.1:3000' });
    expect(DataDirLock.holder(path)).toMatchObject({ role: 'server', adminUrl: 'http://127.0.0.1:3000' });
    lock.release();
  });

  it('a second server on the same DATA_DIR stops with a clear error instead of writing beside the first', async () => {
    const env = { ...FAST_ENV, DATA_DIR: dir };
    const first = await createLocalApp({ env, logger: silentLogger });
    try {
      await expect(openLocalKeyStore(dir, { role: 'server', flushDelayMs: 5, waitMs: 100 }, silentLogger)).rejects.toThrow(
        new RegExp(`${API_KEYS_LOCK} is held by process ${process.pid} \\(server\\)`),
      );
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, API_KEYS_LOCK))).toBe(false);
    const again = await createLocalApp({ env, logger: silentLogger });
    await again.close();
  });
});
