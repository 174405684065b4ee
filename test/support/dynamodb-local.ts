import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbFeedbackRepo, type DynamoDbFeedbackRepoSettings } from '../../src/adapters/aws/dynamodb/dynamodb-feedback-repo';
import { DynamoDbSayingRepo } from '../../src/adapters/aws/dynamodb/dynamodb-saying-repo';
import { DynamoDbUsageLedger } from '../../src/adapters/aws/dynamodb/dynamodb-usage-ledger';
import { ensureTables } from '../../src/adapters/aws/dynamodb/ensure-tables';

/*
 * AWS's DynamoDB Local, started per test file on a free port. The jar ships in the npm package
 * amplify-dynamodb-simulator; only its tarball is fetched (`npm pack`, not `npm install`: that would pull 283
 * packages) into the git-ignored `.cache/dynamodb-local/`, once per clone, then reused.
 */

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const REPO_ROOT = resolve(__dirname, '..', '..');
const CACHE_DIR = join(REPO_ROOT, '.cache', 'dynamodb-local');
const EMULATOR_DIR = join(CACHE_DIR, PACKAGE.replace('@', '-'), 'emulator');
const LOCK_DIR = join(CACHE_DIR, '.fetch-lock');
/** A lock older than this belongs to a run that died mid-download. */
const STALE_LOCK_MS = 5 * 60_000;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

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

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const emulator = await ensureEmulator();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await launch(emulator, port);
    } catch (error) {
      // Another process may have taken the port between our probe and Java's bind.
      if (attempt >= 3) throw error;
    }
  }
}

async function launch(emulator: string, port: number): Promise<DynamoDbLocal> {
  const args = [
    // Test runs are short: the C1 compiler alone and the serial collector roughly halve the JVM's CPU (measured).
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(emulator, 'DynamoDBLocal.jar'),
    '-inMemory',
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
async function ensureEmulator(): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  while (!isReady()) {
    if (tryLock()) {
      try {
        if (!isReady()) await fetchEmulator();
      } finally {
        rmSync(LOCK_DIR, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`timed out waiting for another process to fetch ${PACKAGE}`);
      await sleep(250);
    }
  }
  return EMULATOR_DIR;
}

const isReady = () => existsSync(join(EMULATOR_DIR, 'DynamoDBLocal.jar'));

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR);
    writeFileSync(join(LOCK_DIR, 'owner'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - statSafe(LOCK_DIR);
    if (age > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
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
async function fetchEmulator(): Promise<void> {
  const work = mkdtempSync(join(CACHE_DIR, 'fetch-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await run(npm, ['pack', PACKAGE, '--pack-destination', work, '--ignore-scripts', '--json', '--silent'], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 8 * 60_000,
    });
    const packed = (JSON.parse(stdout) as { filename: string }[])[0]?.filename;
    if (!packed) throw new Error(`npm pack ${PACKAGE} reported no file`);
    await run('tar', ['-xzf', join(work, packed), '-C', work, 'package/emulator'], { timeout: 5 * 60_000 });
    mkdirSync(resolve(EMULATOR_DIR, '..'), { recursive: true });
    try {
      renameSync(join(work, 'package', 'emulator'), EMULATOR_DIR);
    } catch (error) {
      // A process that took over a stale lock may have finished first; its copy is as good as ours.
      if (!isReady()) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Tables and adapters on a running DynamoDB Local, for the contract and adapter tests.

export interface RepoTables {
  readonly sayings: string;
  readonly feedback: string;
  readonly usage: string;
}

let tableRun = 0;

/** Fresh, uniquely named sayings/feedback/usage tables on DynamoDB Local. */
export async function freshTables(local: DynamoDbLocal, label: string): Promise<RepoTables> {
  const prefix = `${label}-${process.pid}-${++tableRun}`;
  const names = { sayings: `${prefix}-sayings`, feedback: `${prefix}-feedback`, usage: `${prefix}-usage` };
  await ensureTables(local.client, names);
  return names;
}

export async function dropTables(local: DynamoDbLocal, names: RepoTables): Promise<void> {
  await Promise.all(Object.values(names).map((TableName) => local.client.send(new DeleteTableCommand({ TableName }))));
}

/** A new SDK client on DynamoDB Local — as another instance of the service would have. */
export function localClient(local: DynamoDbLocal, config: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: local.endpoint, ...config });
}

/** The three adapters over `names`, as the composition root wires them (one saying cache shared by two). */
export function portsOn(
  client: DynamoDBClient,
  names: RepoTables,
  feedback: Partial<Omit<DynamoDbFeedbackRepoSettings, 'client' | 'tableName' | 'sayingsTableName'>> = {},
) {
  // No removeUndefinedValues: the adapters must never hand the SDK an undefined.
  const doc = DynamoDBDocumentClient.from(client);
  const repo = new DynamoDbSayingRepo({ client: doc, tableName: names.sayings });
  return {
    repo,
    feedback: new DynamoDbFeedbackRepo({ client: doc, tableName: names.feedback, sayingsTableName: names.sayings, sayingCache: repo.cache, ...feedback }),
    usage: new DynamoDbUsageLedger({ client: doc, tableName: names.usage }),
  };
}
