// Plain-text table and the target checks.

const fmt = (v, digits = 0) => (v === null || v === undefined ? 'n/a' : typeof v === 'number' ? v.toFixed(digits) : String(v));

export function table(rows) {
  const columns = [
    ['run', (r) => r.label],
    ['req/s (mean)', (r) => fmt(r.requestsPerSec, 0)],
    ['p50 ms', (r) => fmt(r.latencyP50Ms, 1)],
    ['p99 ms', (r) => fmt(r.latencyP99Ms, 1)],
    ['max ms', (r) => fmt(r.latencyMaxMs, 1)],
    ['requests', (r) => fmt(r.requestsTotal)],
    ['errors', (r) => fmt(r.errors)],
    ['timeouts', (r) => fmt(r.timeouts)],
    ['non-2xx', (r) => fmt(r.non2xx)],
    ['RSS MiB', (r) => fmt(r.rssMiB, 1)],
    ['peak RSS MiB', (r) => fmt(r.peakRssMiB, 1)],
  ];
  const cells = rows.map((r) => columns.map(([, f]) => f(r)));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(columns.map(([h]) => h)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function checkTargets(hello, sayings, { maxP99Ms = 10, minThroughputRatio = 0.5 } = {}) {
  const ratio = hello.requestsPerSec > 0 ? sayings.requestsPerSec / hello.requestsPerSec : 0;
  return [
    {
      target: `sayings p99 <= ${maxP99Ms} ms`,
      observed: `${fmt(sayings.latencyP99Ms, 1)} ms`,
      pass: sayings.latencyP99Ms <= maxP99Ms,
    },
    {
      target: `sayings req/s >= ${minThroughputRatio} x hello-world req/s`,
      observed: `${fmt(sayings.requestsPerSec)} / ${fmt(hello.requestsPerSec)} = ${ratio.toFixed(2)} x`,
      pass: ratio >= minThroughputRatio,
      ratio: Math.round(ratio * 1000) / 1000,
    },
    ...(sayings.serverExecutionMs
      ? [{
          target: `sayings use-case execution p99 <= ${maxP99Ms} ms (seed 001: warm < 10 ms)`,
          observed: `${fmt(sayings.serverExecutionMs.p99, 3)} ms`,
          pass: sayings.serverExecutionMs.p99 <= maxP99Ms,
        }]
      : []),
    ...(sayings.tenConnections
      ? [{
          target: `sayings p99 <= ${maxP99Ms} ms at 10 connections`,
          observed: `${fmt(sayings.tenConnections.latencyP99Ms, 1)} ms`,
          pass: sayings.tenConnections.latencyP99Ms <= maxP99Ms,
        }]
      : []),
  ];
}
