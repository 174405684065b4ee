// Load generation: sequential warm-up requests and the autocannon runs themselves.
import { Agent } from 'node:http';
import autocannon from 'autocannon';
import { get } from './processes.mjs';

/**
 * `count` sequential GETs over one keep-alive connection; returns how many answered with each status
 * and, for JSON bodies with a `source` field (the sayings server), how many came from each source.
 */
export async function sequentialWarmUp(url, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses = {};
  const sources = {};
  try {
    for (let i = 0; i < count; i++) {
      const res = await get(url, { agent, timeoutMs: 10_000 });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      try {
        const body = JSON.parse(res.body);
        if (body && typeof body === 'object' && 'isCached' in body) {
          const kind = body.isCached ? 'pool' : body.model ? 'live' : 'collection';
          sources[kind] = (sources[kind] ?? 0) + 1;
        }
      } catch {
        /* not JSON: counted by status only */
      }
    }
  } finally {
    agent.destroy();
  }
  return { statuses, sources };
}

/** One autocannon run; resolves with the figures the bench reports. */
export async function measure(url, { connections, durationS }) {
  const result = await autocannon({
    url,
    method: 'GET',
    connections,
    duration: durationS,
    pipelining: 1,
    timeout: 10,
  });
  return {
    connections,
    durationS,
    requestsPerSec: result.requests.mean,
    requestsTotal: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.mean,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    throughputMiBps: Math.round((result.throughput.mean / 1024 / 1024) * 100) / 100,
  };
}
