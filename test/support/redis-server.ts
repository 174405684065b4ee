import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';

/*
 * Redis for tests. Tests that only read and write use the machine's shared server at 127.0.0.1:6379 under a
 * key prefix of their own; tests that stop Redis start their own `redis-server` on a free port and stop it by
 * its pid, never by name.
 */

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * For a test that asserts what a process shares through Redis: the default 100 ms command timeout counts a
 * loaded test machine as Redis being down, and the process then bypasses it (by design) and the test would flake.
 */
export const PATIENT_REDIS = { REDIS_COMMAND_TIMEOUT_MS: '2000' } as const;

let prefixes = 0;
/** A key prefix no other test file, worker or run uses. */
export function uniquePrefix(label: string): string {
  return `cs-test:${label}:${process.pid}:${Date.now().toString(36)}:${++prefixes}:`;
}

/** Removes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Resolves once the client is connected and ready; rejects after `timeoutMs`. */
export async function whenReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`Redis client not ready after ${timeoutMs} ms (status ${redis.status})`);
    await sleep(10);
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  /** SIGKILL, as a crash, then waits until the port refuses connections. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Kills it if it runs and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** A `redis-server` of this test's own, on a free port, with DEBUG allowed from localhost. */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-redis-'));
  const pidFile = join(dir, 'redis.pid');
  const port = await freePort();
  let pid: number | undefined;
  const killOnExit = () => {
    if (pid !== undefined) signal(pid, 'SIGKILL');
  };
  process.on('exit', killOnExit);

  const launch = async () => {
    rmSync(pidFile, { force: true });
    await run('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'yes', '--pidfile', pidFile, '--dir', dir, '--logfile', join(dir, 'redis.log'),
      '--enable-debug-command', 'local',
    ]);
    pid = await readPid(pidFile);
    await waitUntil(() => answersPing(port), 5_000, `redis-server on port ${port} did not answer PING`);
  };
  const kill = async () => {
    if (pid === undefined) return;
    const victim = pid;
    signal(victim, 'SIGKILL');
    await waitUntil(() => Promise.resolve(isGone(victim)), 5_000, `redis-server pid ${victim} did not die`);
    pid = undefined;
    await waitUntil(async () => !(await answersPing(port)), 5_000, `port ${port} still answers after the kill`);
  };

  try {
    await launch();
  } catch (error) {
    killOnExit();
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return pid;
    },
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** The daemon is re-parented to pid 1, which reaps it when it likes: a zombie counts as gone. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function readPid(pidFile: string): Promise<number> {
  let pid = Number.NaN;
  await waitUntil(
    () => {
      try {
        pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
      } catch {
        return Promise.resolve(false);
      }
      return Promise.resolve(Number.isInteger(pid) && pid > 0);
    },
    5_000,
    `redis-server wrote no pid file at ${pidFile}`,
  );
  return pid;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(20);
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}
