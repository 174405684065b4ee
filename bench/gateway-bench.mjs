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
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load as loadRun, positiveInt, root, runBench, sequential, start, startGateway } from './lib/gateway-harness.mjs';
import { readMemory } from './lib/processes.mjs';

const DURATION_S = positiveInt('BENCH_DURATION_S', 8);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
const ROUNDS = positiveInt('BENCH_ROUNDS', 6);
const PER_ROUND = positiveInt('BENCH_PER_ROUND', 500);
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const TARGETS = { maxAddedMeanMs: 0.35, minThroughputVsProxy: 0.6 };

const log = (line = '') => process.stdout.write(`${line}\n`);
let tmp;

const load = (target) => loadRun(target, { connections: CONNECTIONS, durationS: DURATION_S });

async function main() {
  tmp = mkdtempSync(join(tmpdir(), 'cs-gw-bench-'));

  const upstream = await start(tmp, 'upstream', join(root, 'bench/lib/mock-openai-upstream.mjs'), {});
  const proxy = await start(tmp, 'proxy', join(root, 'bench/lib/minimal-proxy.mjs'), { UPSTREAM_URL: `${upstream.url}/v1` });
  if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true });
  const gateway = await startGateway(tmp, upstream.url, {
    logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
    nodeArgs: CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [],
  });
  const KEY = gateway.key;
  const [up, px, gw] = [upstream, proxy, gateway].map((s) => s.handle.child.pid);
  const targets = [
    { name: 'direct', url: `${upstream.url}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench' }, pids: [up] },
    { name: 'proxy', url: `${proxy.url}/v1/chat/completions`, headers: {}, pids: [px, up] },
    { name: 'gateway', url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${KEY}` }, pids: [gw, up] },
  ];
  log(`sequential: ${ROUNDS} rounds × ${PER_ROUND} requests per target over one keep-alive connection`);
  const seq = await sequential(targets, { rounds: ROUNDS, perRound: PER_ROUND });
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

runBench(main, () => tmp);
