// What the gateway's features cost when nothing else is in the way (ADR 0015): the minimal proxy of
// `npm run bench:gateway`, then a lean one-function gateway (bench/lib/lean-gateway.mjs) with one feature more at
// each step — access log, key check, zod schema, two rate buckets, abort signal and timeout, usage after the
// answer — and the real gateway, all against the same mock upstream at BENCH_CONNECTIONS (10) connections.
// `npm run bench:gateway-floor` builds the server first, then runs this file.
//
// Each round measures every target once for BENCH_DURATION_S, in an order that rotates from round to round so
// drift on a shared machine hits them alike; the table gives the median over BENCH_ROUNDS rounds of requests per
// second, of that figure relative to the proxy's in the same round, and of the server's CPU time per request
// (from /proc). Before the load, every target and the upstream itself ("direct") are measured sequentially over
// one keep-alive connection, interleaved as in `npm run bench:gateway`, for the latency each adds to a direct
// call — the other target. One JSON line with every figure follows.
// Environment: BENCH_DURATION_S (5), BENCH_CONNECTIONS (10), BENCH_ROUNDS (3), BENCH_SEQ_ROUNDS (4),
// BENCH_PER_ROUND (300), BENCH_KEEP_TMP=1.
// Exit code: 0 when the runs completed; 1 on any failed request or start-up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, load, positiveInt, root, runBench, sequential, start, startGateway } from './lib/gateway-harness.mjs';

const DURATION_S = positiveInt('BENCH_DURATION_S', 5);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
const ROUNDS = positiveInt('BENCH_ROUNDS', 3);
const SEQ_ROUNDS = positiveInt('BENCH_SEQ_ROUNDS', 4);
const PER_ROUND = positiveInt('BENCH_PER_ROUND', 300);
const LEAN_KEY = 'cs_bench_lean_key';
const STEPS = [
  ['lean: proxy + log', 'log'],
  ['+ key check', 'log,auth'],
  ['+ zod schema', 'log,auth,zod'],
  ['+ rate buckets', 'log,auth,zod,limits'],
  ['+ abort and timeout', 'log,auth,zod,limits,abort'],
  ['+ usage after the answer', 'log,auth,zod,limits,abort,usage'],
];

const log = (line = '') => process.stdout.write(`${line}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
let tmp;

async function main() {
  tmp = mkdtempSync(join(tmpdir(), 'cs-gw-floor-'));
  const upstream = await start(tmp, 'upstream', join(root, 'bench/lib/mock-openai-upstream.mjs'), {});
  const upstreamV1 = `${upstream.url}/v1`;
  const proxy = await start(tmp, 'proxy', join(root, 'bench/lib/minimal-proxy.mjs'), { UPSTREAM_URL: upstreamV1 });
  const targets = [{ name: 'minimal proxy', url: proxy.url, pid: proxy.handle.child.pid, headers: {} }];
  for (const [i, [name, features]] of STEPS.entries()) {
    const lean = await start(tmp, `lean-${i}`, join(root, 'bench/lib/lean-gateway.mjs'), { UPSTREAM_URL: upstreamV1, FEATURES: features, KEY: LEAN_KEY });
    targets.push({ name, url: lean.url, pid: lean.handle.child.pid, headers: { authorization: `Bearer ${LEAN_KEY}` } });
  }
  const gateway = await startGateway(tmp, upstream.url);
  targets.push({ name: 'gateway (npm start)', url: gateway.url, pid: gateway.handle.child.pid, headers: { authorization: `Bearer ${gateway.key}` } });

  const up = upstream.handle.child.pid;
  log(`sequential: ${SEQ_ROUNDS} rounds × ${PER_ROUND} requests per target over one keep-alive connection`);
  const seq = await sequential(
    [
      { name: 'direct', url: `${upstreamV1}/chat/completions`, headers: { authorization: 'Bearer sk-bench' }, pids: [up] },
      ...targets.map((t) => ({ name: t.name, url: `${t.url}/v1/chat/completions`, headers: t.headers, pids: [t.pid, up] })),
    ],
    { rounds: SEQ_ROUNDS, perRound: PER_ROUND, warmup: 500 },
  );
  const addedMs = (name) => seq[name].mean - seq.direct.mean;

  const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (const t of targets) await load({ ...t, url: `${t.url}/v1/chat/completions` }, { connections: CONNECTIONS, durationS: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1} of ${ROUNDS}: ${targets.length} targets, ${DURATION_S} s each`);
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    const measured = {};
    for (const t of order) {
      const before = cpuMs(t.pid);
      const result = await load({ ...t, url: `${t.url}/v1/chat/completions` }, { connections: CONNECTIONS, durationS: DURATION_S });
      measured[t.name] = { requestsPerSec: result.requestsPerSec, cpuUsPerRequest: ((cpuMs(t.pid) - before) * 1000) / result.total };
    }
    const proxyRate = measured['minimal proxy'].requestsPerSec;
    for (const t of targets) runs[t.name].push({ ...measured[t.name], vsProxy: measured[t.name].requestsPerSec / proxyRate });
  }

  const figures = Object.fromEntries(
    targets.map((t) => {
      const r = runs[t.name];
      return [
        t.name,
        { addedMeanMs: addedMs(t.name), requestsPerSec: median(r.map((x) => x.requestsPerSec)), vsProxy: median(r.map((x) => x.vsProxy)), cpuUsPerRequest: median(r.map((x) => x.cpuUsPerRequest)) },
      ];
    }),
  );
  log(`\n| target | added mean, sequential (ms) | req/s at ${CONNECTIONS} conns | × minimal proxy | server CPU per request |`);
  log('|---|---|---|---|---|');
  for (const t of targets) {
    const f = figures[t.name];
    log(`| ${t.name} | ${f.addedMeanMs.toFixed(3)} | ${Math.round(f.requestsPerSec)} | ${f.vsProxy.toFixed(2)} | ${Math.round(f.cpuUsPerRequest)} µs |`);
  }
  log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), node: process.version, connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS, sequential: seq, figures, runs }));
}

runBench(main, () => tmp);
