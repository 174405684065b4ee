// What the gateway benchmarks share (bench/gateway-bench.mjs, bench/gateway-floor.mjs): settings from the
// environment, children started on free ports in one temporary folder, the gateway started as `npm start` runs it
// with a key from its admin API, sequential rounds over one keep-alive connection, one load run, and CPU time from
// /proc.
import { Agent, request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort, killAllSync, startServer, stopAll, waitUntilReady } from './processes.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const HOST = '127.0.0.1';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef0123';
/** The request every gateway benchmark sends. */
export const BODY = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Write one saying about Amazon S3.' }], max_tokens: 64 });

export const positiveInt = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

function childEnv(overrides) {
  const env = { ...process.env, ...overrides };
  delete env.NODE_OPTIONS;
  return env;
}

/** Waits for the child's `{"msg":"listening","url":…}` line. */
async function listening(handle, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`${handle.name} exited during start-up:\n${readFileSync(handle.stderrPath, 'utf8').slice(-2000)}`);
    for (const line of readFileSync(handle.stdoutPath, 'utf8').split('\n')) {
      try {
        const parsed = JSON.parse(line);
        if (parsed.msg === 'listening' && parsed.url) return parsed.url;
      } catch {
        /* a log line */
      }
    }
    await sleep(50);
  }
  throw new Error(`${handle.name} did not start within ${timeoutMs} ms`);
}

/**
 * Starts a child on a free port, its output in `tmp`; ready when it says it listens, or (`readyPath`) when that
 * path answers 200.
 */
export async function start(tmp, name, script, env, args = [], readyPath = undefined) {
  const port = await freePort();
  const handle = startServer({
    name, script, args, cwd: root, env: childEnv({ ...env, PORT: String(port), HOST }),
    stdoutPath: join(tmp, `${name}.stdout.log`), stderrPath: join(tmp, `${name}.stderr.log`),
  });
  if (readyPath === undefined) return { handle, url: await listening(handle) };
  const url = `http://${HOST}:${port}`;
  await waitUntilReady(handle, `${url}${readyPath}`);
  return { handle, url };
}

/**
 * The server as `npm start` runs it (dist/local/server.js, its data folder in `tmp`), its OpenAI provider pointed
 * at `upstreamUrl`, the response cache off (a hit would measure the cache, not the proxying), limits out of the
 * way, LOG_LEVEL=info as in production; with the Bearer key a client sends, created through its admin API.
 */
export async function startGateway(tmp, upstreamUrl, { logLevel = 'info', nodeArgs = [], name = 'gateway', script = join(root, 'dist/local/server.js'), env = {} } = {}) {
  const gateway = await start(
    tmp,
    name,
    script,
    {
      LOG_LEVEL: logLevel,
      OPENAI_API_KEY: 'sk-bench-upstream',
      OPENAI_BASE_URL: `${upstreamUrl}/v1`,
      GATEWAY_CACHE_TTL_MS: '0',
      GATEWAY_DEFAULT_RPM: '1000000',
      GATEWAY_DEFAULT_TPM: '1000000000',
      ADMIN_TOKEN,
      DATA_DIR: join(tmp, `${name}-data`),
      ...env,
    },
    nodeArgs,
    // With LOG_LEVEL=warn the server does not log that it listens.
    '/health',
  );
  return { ...gateway, key: await createKey(gateway.url) };
}

/** utime + stime of a process in milliseconds (Linux /proc; clock ticks are 10 ms). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** A gateway key from the server's admin API (shown once, at creation), with the configured default limits. */
function createKey(url) {
  const body = JSON.stringify({ name: 'bench' });
  return new Promise((resolveKey, reject) => {
    const req = request(`${url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 201) reject(new Error(`POST /admin/keys answered ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolveKey(JSON.parse(text).key);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One POST on the given keep-alive agent; resolves with the elapsed milliseconds, rejects on a non-200. */
function post(url, agent, headers) {
  return new Promise((resolvePost, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
        else resolvePost(ms);
      });
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, p50: at(0.5), p99: at(0.99) };
};

/**
 * Each target's latency over its own keep-alive connection (mean, p50, p99 in ms) after `warmup` requests, in
 * `rounds` whose order rotates so that drift on a shared machine hits every target alike; and the CPU time per
 * request of each target's `pids`: on a machine shared with other work, wall-clock latency moves with the
 * neighbours, CPU time much less.
 */
export async function sequential(targets, { rounds, perRound, warmup = 1_000 }) {
  const agents = Object.fromEntries(targets.map((t) => [t.name, new Agent({ keepAlive: true, maxSockets: 1 })]));
  const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
  const cpu = Object.fromEntries(targets.map((t) => [t.name, 0]));
  try {
    for (const t of targets) for (let i = 0; i < warmup; i++) await post(t.url, agents[t.name], t.headers);
    for (let round = 0; round < rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const before = t.pids.map(cpuMs);
        for (let i = 0; i < perRound; i++) samples[t.name].push(await post(t.url, agents[t.name], t.headers));
        cpu[t.name] += t.pids.map(cpuMs).reduce((s, v, i) => s + (v ?? 0) - (before[i] ?? 0), 0);
      }
    }
  } finally {
    Object.values(agents).forEach((a) => a.destroy());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { ...stats(values), serverCpuUsPerRequest: (cpu[name] * 1000) / values.length }]));
}

/** autocannon against one target (POST BODY); throws on any error, timeout or non-2xx answer. */
export async function load(target, { connections, durationS }) {
  const result = await autocannon({
    url: target.url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json', ...target.headers },
    connections, duration: durationS, pipelining: 1, timeout: 10,
  });
  if (result.errors || result.timeouts || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return { requestsPerSec: result.requests.mean, p50Ms: result.latency.p50, p99Ms: result.latency.p99, total: result.requests.total };
}

/**
 * Runs a benchmark's `main` and stops every child however it ends; `tmp()` is its temporary folder, removed
 * unless BENCH_KEEP_TMP=1. Exit code 1 on any error.
 */
export function runBench(main, tmp) {
  process.on('exit', killAllSync);
  main()
    .then(async () => {
      await stopAll();
      if (process.env.BENCH_KEEP_TMP !== '1') rmSync(tmp(), { recursive: true, force: true });
      else process.stdout.write(`kept ${tmp()}\n`);
    })
    .catch(async (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      await stopAll();
      process.exit(1);
    });
}
