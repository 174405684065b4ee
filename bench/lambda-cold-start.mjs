// Size of each Lambda bundle and its cold init time on this machine: a fresh Node process per run,
// timing `require(bundle)` plus the container build the first invocation awaits (`ready`).
// Targets (issue "Production on AWS"): ≤ 1.5 MB and ≤ 200 ms per handler.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_HANDLERS as HANDLERS } from '../scripts/build-lambda.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const MAX_BYTES = 1.5 * 1024 * 1024;
const MAX_INIT_MS = 200;

// No network at init: configuration from the environment, keys named in SSM but not read until a call.
const env = {
  PATH: process.env.PATH,
  CONFIG_SOURCE: 'env',
  APP_ENV: 'dev',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  SAYINGS_TABLE: 'bench-sayings',
  FEEDBACK_TABLE: 'bench-feedback',
  USAGE_TABLE: 'bench-usage',
  API_KEYS_TABLE: 'bench-apiKeys',
  SESSIONS_TABLE: 'bench-sessions',
  JOBS_TABLE: 'bench-jobs',
  LOG_LEVEL: 'warn',
};

const probe = `
const t0 = process.hrtime.bigint();
const m = require(process.argv[1]);
const required = process.hrtime.bigint();
m.ready.then(() => {
  const done = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ requireMs: Number(required - t0) / 1e6, initMs: Number(done - t0) / 1e6 }));
  process.exit(0);
}, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = HANDLERS.map((name) => {
  const bundle = join(root, 'dist/lambda', name, 'index.js');
  const bytes = statSync(bundle).size;
  // The model-provider adapters, loaded on a provider's first call, never at a cold start (ADR 0021).
  const lazyDir = join(root, 'dist/lambda', name, 'lazy');
  const lazyBytes = readdirSync(lazyDir).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + statSync(join(lazyDir, f)).size, 0);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync(process.execPath, ['-e', probe, bundle], { env, encoding: 'utf8', timeout: 20_000 });
    if (out.status !== 0) throw new Error(`${name}: init failed: ${out.stderr.slice(0, 500)}`);
    runs.push(JSON.parse(out.stdout));
  }
  return {
    handler: name,
    bytes,
    sizeMiB: bytes / 1024 / 1024,
    lazyMiB: lazyBytes / 1024 / 1024,
    requireMsMedian: median(runs.map((r) => r.requireMs)),
    initMsMedian: median(runs.map((r) => r.initMs)),
    initMsMax: Math.max(...runs.map((r) => r.initMs)),
  };
});

console.log(`\nLambda bundles (node ${process.version}, ${RUNS} cold starts each, median):`);
console.log('handler           size MiB  lazy MiB  require ms  init ms (median / max)  targets (index.js)');
for (const r of rows) {
  const ok = r.bytes <= MAX_BYTES && r.initMsMedian <= MAX_INIT_MS;
  console.log(
    `${r.handler.padEnd(16)}  ${r.sizeMiB.toFixed(2).padStart(8)}  ${r.lazyMiB.toFixed(2).padStart(8)}  ${r.requireMsMedian.toFixed(1).padStart(10)}  ${`${r.initMsMedian.toFixed(1)} / ${r.initMsMax.toFixed(1)}`.padStart(22)}  ${ok ? 'PASS' : 'MISS'} (≤ 1.5 MiB, ≤ ${MAX_INIT_MS} ms)`,
  );
}
console.log(JSON.stringify({ bench: 'lambda-cold-start', node: process.version, runs: RUNS, handlers: rows }));
