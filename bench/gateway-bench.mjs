// The gateway's added latency and throughput (issue 5, item 10): POST /v1/chat/completions through the gateway,
// against the same request sent straight to a local OpenAI-shaped upstream, next to a minimal node:http + undici
// proxy measured in the same run. `npm run bench:gateway` builds the server first, then runs this file.
//
// Processes (children, all on this machine): the mock upstream (bench/lib/mock-openai-upstream.mjs), the minimal
// proxy (bench/lib/minimal-proxy.mjs), and the gateway: the server as `npm start` runs it (dist/local/server.js,
// its data folder in a temporary directory), with a key created through its admin API, its OpenAI provider pointed
// at the mock upstream, the response cache off (a hit would measure the cache, not the proxying), LOG_LEVEL=info
// as in production.
//
// Phases, never two measurements at once:
//   1. warm-up: sequential requests to each target;
//   2. sequential latency: rounds of requests over one keep-alive connection, the three targets interleaved
//      (so drift on a shared machine hits them alike); added latency = target − direct, for mean, p50 and p99;
//   3. throughput: autocannon at BENCH_CONNECTIONS (10) for BENCH_DURATION_S per target;
//   4. RSS of the proxy and the gateway, then a table, PASS/MISS per target and one JSON line with every figure.
//
// Environment: BENCH_DURATION_S (8), BENCH_CONNECTIONS (10), BENCH_ROUNDS (6), BENCH_PER_ROUND (500),
// BENCH_CPU_PROF=<dir> (profile the gateway with --cpu-prof), BENCH_LOG_LEVEL (info), BENCH_KEEP_TMP=1.
// Exit code: 0 when the runs completed (a MISS is reported, not failed); 1 on any failed request or start-up.
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort, killAllSync, readMemory, startServer, stopAll, waitUntilReady } from './lib/processes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef0123';
const positiveInt = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};
const DURATION_S = positiveInt('BENCH_DURATION_S', 8);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
const ROUNDS = positiveInt('BENCH_ROUNDS', 6);
const PER_ROUND = positiveInt('BENCH_PER_ROUND', 500);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const TARGETS = { maxAddedMeanMs: 0.35, minThroughputVsProxy: 0.6 };
const BODY = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Write one saying about Amazon S3.' }], max_tokens: 64 });

const log = (line = '') => process.stdout.write(`${line}\n`);
let tmp;

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

/** Starts a child on a free port; ready when it says it listens, or (`readyPath`) when that path answers 200. */
async function start(name, script, env, args = [], readyPath = undefined) {
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

/** utime + stime of a process in milliseconds (Linux /proc; clock ticks are 10 ms). */
function cpuMs(pid) {
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

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, mean: sorted.reduce((s, v) => s + v, 0) / sorted.length, p50: at(0.5), p99: at(0.99) };
};

/**
 * Also the server processes' CPU time per request over the measured rounds: on a machine shared with other work,
 * wall-clock latency moves with the neighbours, CPU time much less.
 */
async function sequential(targets) {
  const agents = Object.fromEntries(targets.map((t) => [t.name, new Agent({ keepAlive: true, maxSockets: 1 })]));
  const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
  const cpu = Object.fromEntries(targets.map((t) => [t.name, 0]));
  try {
    for (const t of targets) for (let i = 0; i < 1_000; i++) await post(t.url, agents[t.name], t.headers);
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const before = t.pids.map(cpuMs);
        for (let i = 0; i < PER_ROUND; i++) samples[t.name].push(await post(t.url, agents[t.name], t.headers));
        cpu[t.name] += t.pids.map(cpuMs).reduce((s, v, i) => s + (v ?? 0) - (before[i] ?? 0), 0);
      }
    }
  } finally {
    Object.values(agents).forEach((a) => a.destroy());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, { ...stats(values), serverCpuUsPerRequest: (cpu[name] * 1000) / values.length }]));
}

async function load(target) {
  const result = await autocannon({
    url: target.url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json', ...target.headers },
    connections: CONNECTIONS, duration: DURATION_S, pipelining: 1, timeout: 10,
  });
  if (result.errors || result.timeouts || result.non2xx) throw new Error(`${target.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return { requestsPerSec: result.requests.mean, p50Ms: result.latency.p50, p99Ms: result.latency.p99, total: result.requests.total };
}

async function main() {
  tmp = mkdtempSync(join(tmpdir(), 'cs-gw-bench-'));
  const serverBundle = join(root, 'dist/local/server.js');

  const upstream = await start('upstream', join(root, 'bench/lib/mock-openai-upstream.mjs'), {});
  const proxy = await start('proxy', join(root, 'bench/lib/minimal-proxy.mjs'), { UPSTREAM_URL: `${upstream.url}/v1` });
  if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true });
  const gateway = await start(
    'gateway',
    serverBundle,
    {
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      OPENAI_API_KEY: 'sk-bench-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      GATEWAY_CACHE_TTL_MS: '0',
      GATEWAY_DEFAULT_RPM: '1000000',
      GATEWAY_DEFAULT_TPM: '1000000000',
      ADMIN_TOKEN,
      DATA_DIR: join(tmp, 'data'),
    },
    CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
    // With LOG_LEVEL=warn the server does not log that it listens.
    '/health',
  );
  const KEY = await createKey(gateway.url);
  const [up, px, gw] = [upstream, proxy, gateway].map((s) => s.handle.child.pid);
  const targets = [
    { name: 'direct', url: `${upstream.url}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench' }, pids: [up] },
    { name: 'proxy', url: `${proxy.url}/v1/chat/completions`, headers: {}, pids: [px, up] },
    { name: 'gateway', url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${KEY}` }, pids: [gw, up] },
  ];
  log(`sequential: ${ROUNDS} rounds × ${PER_ROUND} requests per target over one keep-alive connection`);
  const seq = await sequential(targets);
  const throughput = {};
  for (const t of targets) {
    log(`load: ${t.name}, ${CONNECTIONS} connections, ${DURATION_S} s`);
    await load({ ...t, url: t.url }).then((r) => (throughput[t.name] = r));
  }
  const memory = { proxy: readMemory(proxy.handle.child.pid), gateway: readMemory(gateway.handle.child.pid) };
  const added = (name) => ({ mean: seq[name].mean - seq.direct.mean, p50: seq[name].p50 - seq.direct.p50, p99: seq[name].p99 - seq.direct.p99 });
  const figures = {
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    sequential: seq,
    added: { proxy: added('proxy'), gateway: added('gateway') },
    throughput,
    ratioVsProxy: throughput.gateway.requestsPerSec / throughput.proxy.requestsPerSec,
    memory,
  };
  const f = (v, d = 3) => v.toFixed(d);
  log('\n| target | sequential mean / p50 / p99 (ms) | added mean / p50 / p99 (ms) | server CPU per request | req/s at ' + CONNECTIONS + ' conns | p50 / p99 (ms) | RSS after |');
  log('|---|---|---|---|---|---|---|');
  for (const t of targets) {
    const s = seq[t.name];
    const a = t.name === 'direct' ? '—' : `${f(added(t.name).mean)} / ${f(added(t.name).p50)} / ${f(added(t.name).p99)}`;
    const th = throughput[t.name];
    const rss = memory[t.name]?.rssMiB;
    log(`| ${t.name} | ${f(s.mean)} / ${f(s.p50)} / ${f(s.p99)} | ${a} | ${Math.round(s.serverCpuUsPerRequest)} µs | ${Math.round(th.requestsPerSec)} | ${th.p50Ms} / ${th.p99Ms} | ${rss ? `${rss} MiB` : '—'} |`);
  }
  const meanOk = figures.added.gateway.mean <= TARGETS.maxAddedMeanMs;
  const ratioOk = figures.ratioVsProxy >= TARGETS.minThroughputVsProxy;
  log(`\n${meanOk ? 'PASS' : 'MISS'} added latency, mean sequential: ${f(figures.added.gateway.mean)} ms (target ≤ ${TARGETS.maxAddedMeanMs} ms)`);
  log(`${ratioOk ? 'PASS' : 'MISS'} throughput at ${CONNECTIONS} connections: ${f(figures.ratioVsProxy, 2)} × the minimal proxy (target ≥ ${TARGETS.minThroughputVsProxy} ×)`);
  log(JSON.stringify(figures));
}

process.on('exit', killAllSync);
main()
  .then(async () => {
    await stopAll();
    if (process.env.BENCH_KEEP_TMP !== '1') rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  })
  .catch(async (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    await stopAll();
    process.exit(1);
  });
