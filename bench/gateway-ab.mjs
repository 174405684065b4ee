// Two (or more) builds of the server measured side by side against one mock upstream, for changes too small for
// the noise between separate `npm run bench:gateway` runs (ADR 0015). Usage, after building each variant to its
// own file:
//   BENCH_VARIANTS='[{"name":"main","script":"dist/local/server.js"},{"name":"try","script":"dist/local/try.js","env":{}}]' \
//     bash scripts/node-runtime.sh node bench/gateway-ab.mjs
// `script` is relative to the repository (a copy of a bundle must stay in dist/local/ for its relative paths);
// `env` is added to the gateway's environment.
//
// Phases: BENCH_SEQ_ROUNDS (6) sequential rounds of BENCH_SEQ_PER_ROUND (400) requests over one keep-alive
// connection per variant, interleaved with the upstream called directly (added latency = variant − direct); a
// 2 s warm-up load per variant; then BENCH_ROUNDS rounds of BENCH_DURATION_S at BENCH_CONNECTIONS, every
// variant once a round, the order reversed every other round, so drift on a shared machine hits them alike.
// Compare variants round by round, not one round against another.
// Prints, per variant, added latency and each round's req/s and main-thread CPU per request (from
// /proc/<pid>/task/<pid>/stat, the thread that saturates under load).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, positiveInt, root, runBench, sequential, start, startGateway } from './lib/gateway-harness.mjs';

const ROUNDS = positiveInt('BENCH_ROUNDS', 6);
const DURATION_S = positiveInt('BENCH_DURATION_S', 4);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
const SEQ_ROUNDS = positiveInt('BENCH_SEQ_ROUNDS', 6);
const SEQ_PER_ROUND = positiveInt('BENCH_SEQ_PER_ROUND', 400);

function variants() {
  let list;
  try {
    list = JSON.parse(process.env.BENCH_VARIANTS ?? '');
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v?.name === 'string' && typeof v?.script === 'string')) {
    throw new Error('BENCH_VARIANTS must be a JSON array of {name, script, env?}; see the top of bench/gateway-ab.mjs');
  }
  return list;
}

/** User plus system time of a process's main thread, in milliseconds (10 ms ticks). */
function mainThreadCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const mean = (values) => values.reduce((s, v) => s + v, 0) / values.length;
let tmp;

async function main(list) {
  tmp = mkdtempSync(join(tmpdir(), 'cs-gw-ab-'));
  const upstream = await start(tmp, 'upstream', join(root, 'bench/lib/mock-openai-upstream.mjs'), {});
  const targets = [];
  for (const v of list) {
    const gateway = await startGateway(tmp, upstream.url, { name: v.name, script: join(root, v.script), env: v.env ?? {} });
    targets.push({ name: v.name, url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${gateway.key}` }, pids: [gateway.handle.child.pid] });
  }
  const direct = { name: 'direct', url: `${upstream.url}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench' }, pids: [upstream.handle.child.pid] };
  const seq = await sequential([direct, ...targets], { rounds: SEQ_ROUNDS, perRound: SEQ_PER_ROUND });
  for (const t of targets) await load(t, { connections: CONNECTIONS, durationS: 2 });
  const rounds = Object.fromEntries(targets.map((t) => [t.name, { rps: [], cpu: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
      const before = mainThreadCpuMs(t.pids[0]);
      const result = await load(t, { connections: CONNECTIONS, durationS: DURATION_S });
      rounds[t.name].rps.push(result.requestsPerSec);
      rounds[t.name].cpu.push(((mainThreadCpuMs(t.pids[0]) - before) * 1000) / result.total);
    }
  }
  for (const t of targets) {
    const { rps, cpu } = rounds[t.name];
    const added = seq[t.name].mean - seq.direct.mean;
    process.stdout.write(
      `${t.name}: added ${added.toFixed(3)} ms sequential | req/s ${rps.map(Math.round).join(' ')} (mean ${Math.round(mean(rps))}) | main-thread CPU µs/request ${cpu.map(Math.round).join(' ')} (mean ${Math.round(mean(cpu))})\n`,
    );
  }
}

let list;
try {
  list = variants();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
runBench(() => main(list), () => tmp);
