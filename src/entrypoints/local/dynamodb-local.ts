import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/*
 * AWS's DynamoDB Local, for `npm run start:aws-local` and the tests. The jar ships in the npm package
 * amplify-dynamodb-simulator; only its tarball is fetched (`npm pack`, not `npm install`: that would pull 283
 * packages) into a cache folder (the git-ignored `.cache/dynamodb-local/`), once, then reused. Needs Java 17.
 */

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** A lock older than this belongs to a run that died mid-download. */
const STALE_LOCK_MS = 5 * 60_000;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export interface DynamoDbLocalOptions {
  /** Where the emulator is fetched to and kept. */
  readonly cacheDir: string;
  /** A folder to keep the database in across restarts; undefined: in memory. */
  readonly dbPath?: string;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The Java process, e.g. to read its CPU time. */
  readonly pid: number;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Local credentials: DynamoDB Local keeps one database per access key and region, so every client must agree. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

interface EmulatorPaths {
  readonly cacheDir: string;
  readonly emulatorDir: string;
  readonly lockDir: string;
}

const emulatorPaths = (cacheDir: string): EmulatorPaths => ({
  cacheDir,
  emulatorDir: join(cacheDir, PACKAGE.replace('@', '-'), 'emulator'),
  lockDir: join(cacheDir, '.fetch-lock'),
});

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const emulator = await ensureEmulator(options.cacheDir);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(emulator, port, options.dbPath);
    } catch (error) {
      // Another process may have taken the port between our probe and Java's bind.
      if (attempt >= 3) throw error;
    }
  }
}

async function launch(emulator: string, port: number, dbPath: string | undefined): Promise<DynamoDbLocal> {
  const args = [
    // Test runs are short: the C1 compiler alone and the serial collector roughly halve the JVM's CPU (measured).
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(emulator, 'DynamoDBLocal.jar'),
    ...(dbPath === undefined ? ['-inMemory'] : ['-sharedDb', '-dbPath', dbPath]),
    // It would otherwise try to reach AWS from every test run.
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // DynamoDB Local writes dynamodb-local-metadata.json into its working folder, even in memory: not into the repo.
  const workDir = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  const child = spawn('java', args, { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
  // A test that forgets stop() must not keep jest alive; the exit hook below still kills the process.
  child.unref();
  (child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4_000) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    // `java` missing or not executable: there is no process to wait for.
    child.once('error', (error) => {
      stderr += String(error);
      done(null);
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  if (child.pid !== undefined) watchForOrphan(child.pid);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  const stop = async () => {
    client.destroy();
    process.removeListener('exit', killOnExit);
    await killByPid(child, exited);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(endpoint, exited, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid ?? 0, client, stop };
}

/**
 * A jest worker killed by a signal (Ctrl-C, a timeout) runs no exit hook and would leave the JVM running with
 * no parent. A tiny detached watchdog kills it by PID once this process is gone, and quits once the JVM is.
 */
function watchForOrphan(javaPid: number): void {
  const script = `const [parent, java] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(java)) process.exit(0);
  if (!alive(parent)) { try { process.kill(java, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);`;
  spawn(process.execPath, ['-e', script, String(process.pid), String(javaPid)], { detached: true, stdio: 'ignore' }).unref();
}

async function waitUntilAnswering(endpoint: string, exited: Promise<number | null>, stderr: () => string): Promise<void> {
  const probe = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (gone) throw new Error(`DynamoDB Local exited before answering: ${stderr()}`);
      try {
        await probe.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer at ${endpoint} within 30 s`, { cause: error });
        await sleep(100);
      }
    }
  } finally {
    probe.destroy();
  }
}

async function killByPid(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** The extracted `emulator/` folder: fetched by one process while others wait on a lock folder. */
async function ensureEmulator(cacheDir: string): Promise<string> {
  const paths = emulatorPaths(cacheDir);
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  while (!isReady(paths)) {
    if (tryLock(paths.lockDir)) {
      try {
        if (!isReady(paths)) await fetchEmulator(paths);
      } finally {
        rmSync(paths.lockDir, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`timed out waiting for another process to fetch ${PACKAGE}`);
      await sleep(250);
    }
  }
  return paths.emulatorDir;
}

const isReady = (paths: EmulatorPaths) => existsSync(join(paths.emulatorDir, 'DynamoDBLocal.jar'));

function tryLock(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'owner'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - statSafe(lockDir);
    if (age > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

function statSafe(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** npm pack → tar → one rename, so a reader never sees a half-extracted folder. */
async function fetchEmulator(paths: EmulatorPaths): Promise<void> {
  const work = mkdtempSync(join(paths.cacheDir, 'fetch-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await run(npm, ['pack', PACKAGE, '--pack-destination', work, '--ignore-scripts', '--json', '--silent'], {
      cwd: paths.cacheDir,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 8 * 60_000,
    });
    const packed = (JSON.parse(stdout) as { filename: string }[])[0]?.filename;
    if (!packed) throw new Error(`npm pack ${PACKAGE} reported no file`);
    await run('tar', ['-xzf', join(work, packed), '-C', work, 'package/emulator'], { timeout: 5 * 60_000 });
    mkdirSync(resolve(paths.emulatorDir, '..'), { recursive: true });
    try {
      renameSync(join(work, 'package', 'emulator'), paths.emulatorDir);
    } catch (error) {
      // A process that took over a stale lock may have finished first; its copy is as good as ours.
      if (!isReady(paths)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
