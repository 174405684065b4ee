// Throughput and latency of GET /sayings on the bundled local server, against an Express 5 hello-world
// on the same machine. `npm run bench` builds first, then runs this file.
//
// Sequential phases (never two servers, never two load runs at once: the machine may have 2 cores):
//   1. hello-world (bench/lib/hello-server.mjs): start, warm up, measure GET /, read RSS, stop.
//   2. sayings (dist/local/server.js, LOG_LEVEL=info as in production): start with a fresh DATA_DIR,
//      wait for GET /health, warm up past requests 1-4 (request 4 is a simulated LLM call), measure
//      GET /sayings, read RSS, stop.
//   3. optionally the same with LOG_LEVEL=warn, to show what per-request logging costs.
// Then a table, PASS/MISS per target, and a final JSON line with every figure.
//
// Environment:
//   BENCH_DURATION_S     measured seconds per run (default 10)
//   BENCH_CONNECTIONS    autocannon connections (default 50)
//   BENCH_WARN_RUN       0 to skip the LOG_LEVEL=warn run (default 1)
//   BENCH_CPU_PROF       a directory: profile the main sayings run with --cpu-prof into it
//   BENCH_KEEP_TMP       1 to keep the temporary directory (data and server logs)
//
// Exit code: 0 when the runs completed (targets MISSed are reported, not failed); 1 when a server did
// not start or exited, or any request failed (errors, timeouts, non-2xx); 2 when the watchdog fired.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, get, killAllSync, readMemory, startServer, stopAll, stopServer, waitUntilReady } from './lib/processes.mjs';
import { measure, sequentialWarmUp } from './lib/load.mjs';
import { checkTargets, table } from './lib/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

const positiveInt = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

const DURATION_S = positiveInt('BENCH_DURATION_S', 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const WARN_RUN = process.env.BENCH_WARN_RUN !== '0';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const KEEP_TMP = process.env.BENCH_KEEP_TMP === '1';
const WARM_SEQUENTIAL = 200;
const WARM_LOAD_S = 2;

const SAYINGS_SCRIPT = join(root, 'dist/local/server.js');
const HELLO_SCRIPT = join(root, 'bench/lib/hello-server.mjs');

// Bounded: every run is start-up (≤ 15 s, usually ~1 s) + warm-up + measurement; the watchdog allows
// for all of them with a margin, and with the defaults stays under 2 minutes.
const runs = WARN_RUN ? 3 : 2;
const WATCHDOG_MS = (20 + runs * (DURATION_S + WARM_LOAD_S + 15)) * 1_000;

let tmp;

function log(line = '') {
  process.stdout.write(`${line}\n`);
}

function childEnv(overrides) {
  const env = { ...process.env, ...overrides };
  delete env.NODE_OPTIONS; // a profiler or inspector flag meant for the bench must not reach the servers
  return env;
}

/**
 * One server: start, wait until ready, warm up (sequential requests, then a short load), measure,
 * read memory while it is still running, stop. Throws on anything that is an error rather than a MISS.
 */
async function benchServer({ label, script, args = [], env, readyPath, loadPath, logName, extra }) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const stdoutPath = join(tmp, `${logName}.stdout.log`);
  const stderrPath = join(tmp, `${logName}.stderr.log`);
  log(`\n[${label}] starting ${script.replace(`${root}/`, '')} on ${base}`);
  const startedAt = Date.now();
  const handle = startServer({ name: label, script, args, cwd: root, env: childEnv({ ...env, PORT: String(port), HOST }), stdoutPath, stderrPath });
  try {
    await waitUntilReady(handle, `${base}${readyPath}`);
    const startupMs = Date.now() - startedAt;
    log(`[${label}] ready in ${startupMs} ms (pid ${handle.child.pid}); warming up: ${WARM_SEQUENTIAL} sequential requests + ${WARM_LOAD_S} s load`);

    const warmStarted = Date.now();
    const warm = await sequentialWarmUp(`${base}${loadPath}`, WARM_SEQUENTIAL);
    const warmSequentialMs = Date.now() - warmStarted;
    const warmBad = Object.entries(warm.statuses).filter(([s]) => !s.startsWith('2'));
    if (warmBad.length > 0) throw new Error(`${label}: non-2xx answers during warm-up: ${JSON.stringify(warm.statuses)}`);
    const warmLoad = await measure(`${base}${loadPath}`, { connections: CONNECTIONS, durationS: WARM_LOAD_S });
    assertClean(label, 'warm-up load', warmLoad);
    if (handle.exited) throw new Error(`${label} exited during warm-up (code ${handle.exitCode}, signal ${handle.signal})`);

    log(`[${label}] measuring GET ${loadPath}: ${CONNECTIONS} connections, ${DURATION_S} s`);
    const measuredFrom = Date.now();
    const result = await measure(`${base}${loadPath}`, { connections: CONNECTIONS, durationS: DURATION_S });
    const extraFigures = extra ? await extra(base, measuredFrom) : {};
    if (handle.exited) throw new Error(`${label} exited during the measured run (code ${handle.exitCode}, signal ${handle.signal})`);
    const memory = readMemory(handle.child.pid);
    log(
      `[${label}] ${Math.round(result.requestsPerSec)} req/s, p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, ` +
        `errors ${result.errors}, non-2xx ${result.non2xx}, RSS ${memory.rssMiB} MiB`,
    );
    return {
      label,
      path: loadPath,
      startupMs,
      warmUp: { sequential: WARM_SEQUENTIAL, sequentialMs: warmSequentialMs, sources: warm.sources, loadS: WARM_LOAD_S, loadRequestsPerSec: Math.round(warmLoad.requestsPerSec) },
      ...result,
      ...extraFigures,
      ...memory,
      ...logStats(stdoutPath),
    };
  } finally {
    await stopServer(handle);
  }
}

function assertClean(label, phase, r) {
  if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0) {
    throw new Error(`${label}: ${phase} had ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx responses`);
  }
}

function logStats(path) {
  try {
    const bytes = statSync(path).size;
    const lines = bytes > 0 ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
    return { stdoutLogBytes: bytes, stdoutLogLines: lines };
  } catch {
    return { stdoutLogBytes: null, stdoutLogLines: null };
  }
}

/**
 * Beyond the load generator's view: the server's own execution time for the measured requests (from
 * GET /stats, which records every request), and latency at 10 connections, where queueing on two shared
 * cores no longer dominates.
 */
async function sayingsExtras(base, measuredFrom) {
  const stats = JSON.parse((await get(`${base}/stats?from=${measuredFrom}`, { timeoutMs: 10_000 })).body);
  const server = stats.totals.latencyMs;
  log(`[sayings] use-case execution time (GetSaying, in process) of ${stats.totals.requests} measured requests: p50 ${server.p50.toFixed(3)} ms, p95 ${server.p95.toFixed(3)} ms, p99 ${server.p99.toFixed(3)} ms`);
  const low = await measure(`${base}/sayings`, { connections: 10, durationS: Math.max(3, Math.round(DURATION_S / 2)) });
  log(`[sayings] at 10 connections: ${Math.round(low.requestsPerSec)} req/s, p50 ${low.latencyP50Ms} ms, p99 ${low.latencyP99Ms} ms`);
  return {
    serverExecutionMs: { p50: server.p50, p95: server.p95, p99: server.p99, requests: stats.totals.requests },
    tenConnections: { requestsPerSec: low.requestsPerSec, latencyP50Ms: low.latencyP50Ms, latencyP99Ms: low.latencyP99Ms, errors: low.errors, non2xx: low.non2xx },
  };
}

async function main() {
  if (!existsSync(SAYINGS_SCRIPT)) throw new Error(`${SAYINGS_SCRIPT} is missing: run "npm run bench" (it builds first) or "npm run build"`);
  tmp = mkdtempSync(join(tmpdir(), 'sayings-bench-'));
  log(`Cloud Sayings bench — node ${process.version}, ${CONNECTIONS} connections, ${DURATION_S} s per run, temp dir ${tmp}`);

  const hello = await benchServer({
    label: 'hello-world',
    script: HELLO_SCRIPT,
    env: {},
    readyPath: '/',
    loadPath: '/',
    logName: 'hello',
  });

  const sayingsEnv = (level, dir) => {
    mkdirSync(dir, { recursive: true });
    return { DATA_DIR: dir, LOG_LEVEL: level };
  };
  const cpuProfArgs = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const sayings = await benchServer({
    extra: sayingsExtras,
    label: 'sayings (LOG_LEVEL=info)',
    script: SAYINGS_SCRIPT,
    args: cpuProfArgs,
    env: sayingsEnv('info', join(tmp, 'data-info')),
    readyPath: '/health',
    loadPath: '/sayings',
    logName: 'sayings-info',
  });

  const sayingsWarn = WARN_RUN
    ? await benchServer({
        label: 'sayings (LOG_LEVEL=warn)',
        script: SAYINGS_SCRIPT,
        env: sayingsEnv('warn', join(tmp, 'data-warn')),
        readyPath: '/health',
        loadPath: '/sayings',
        logName: 'sayings-warn',
      })
    : undefined;

  const rows = [hello, sayings, ...(sayingsWarn ? [sayingsWarn] : [])];
  for (const r of rows) assertClean(r.label, 'measured run', r);

  log('\n' + table(rows));
  log(`\nwarm-up sources (sayings, info): ${JSON.stringify(sayings.warmUp.sources)}; server log: ${sayings.stdoutLogLines} lines, ${(sayings.stdoutLogBytes / 1024 / 1024).toFixed(1)} MiB`);
  if (CPU_PROF_DIR) log(`CPU profile of the sayings (info) server: ${CPU_PROF_DIR}`);

  const targets = checkTargets(hello, sayings);
  log('\nTargets (sayings = LOG_LEVEL=info run):');
  for (const t of targets) log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.target.padEnd(42)} observed ${t.observed}`);
  log(`  (reference: hello-world itself, same load: p99 ${hello.latencyP99Ms} ms, p50 ${hello.latencyP50Ms} ms)`);
  if (sayingsWarn) {
    const informational = checkTargets(hello, sayingsWarn);
    log('  (informational, LOG_LEVEL=warn: ' + informational.map((t) => `${t.pass ? 'PASS' : 'MISS'} ${t.observed}`).join('; ') + ')');
  }

  log(
    JSON.stringify({
      bench: 'sayings',
      node: process.version,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      helloWorld: hello,
      sayings,
      ...(sayingsWarn ? { sayingsLogWarn: sayingsWarn } : {}),
      targets,
      allTargetsPass: targets.every((t) => t.pass),
    }),
  );
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: watchdog fired after ${WATCHDOG_MS / 1000} s; stopping\n`);
  killAllSync();
  cleanup();
  process.exit(2);
}, WATCHDOG_MS);

function cleanup() {
  if (tmp && !KEEP_TMP) {
    try {
      rmSync(tmp, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  } else if (tmp) {
    process.stderr.write(`bench: kept ${tmp}\n`);
  }
}

process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}; stopping servers\n`);
    void stopAll().finally(() => {
      cleanup();
      process.exit(130);
    });
  });
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await stopAll();
  clearTimeout(watchdog);
  cleanup();
}
process.exitCode = exitCode;
