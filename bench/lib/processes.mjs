// Child-process plumbing for the bench: free ports, start a server with its stdout going to a file,
// wait until it answers, read its memory, and stop it (SIGTERM, then SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const LOOPBACK = '127.0.0.1';

/** A port nothing listens on right now (the OS picks it; the socket is closed before we return). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address();
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

/** Every child started here, so that a crash or Ctrl-C anywhere still stops them. */
const live = new Set();

/**
 * Starts `node <script>` with stdout and stderr written straight to files (the child writes to the file
 * descriptors itself: nothing to drain, and logging costs what it costs in production behind a file).
 */
export function startServer({ name, script, args = [], env, cwd, stdoutPath, stderrPath }) {
  const out = openSync(stdoutPath, 'a');
  const err = openSync(stderrPath, 'a');
  let child;
  try {
    child = spawn(process.execPath, [...args, script], { cwd, env, stdio: ['ignore', out, err] });
  } finally {
    // The child holds its own copies of the descriptors.
    closeSync(out);
    closeSync(err);
  }
  const handle = { name, child, stdoutPath, stderrPath, exited: false, exitCode: null, signal: null };
  handle.exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code;
      handle.signal = signal;
      live.delete(handle);
      resolve();
    });
  });
  child.once('error', (error) => {
    handle.spawnError = error;
  });
  live.add(handle);
  return handle;
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it has exited. */
export async function stopServer(handle, graceMs = 3_000) {
  if (!handle || handle.exited) return;
  try {
    handle.child.kill('SIGTERM');
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    if (!handle.exited) {
      try {
        handle.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }, graceMs);
  await handle.exit;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...live].map((h) => stopServer(h)));
}

/** Last resort from a synchronous 'exit' handler: no waiting possible, so SIGKILL. */
export function killAllSync() {
  for (const h of live) {
    try {
      h.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** One GET; resolves with status and body, rejects on a network error or after `timeoutMs`. */
export function get(url, { agent, timeoutMs = 5_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `url` until it answers 200; fails early if the child exits, and after `timeoutMs`. */
export async function waitUntilReady(handle, url, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (handle.spawnError) throw new Error(`${handle.name} could not be started: ${handle.spawnError.message}`);
    if (handle.exited) {
      throw new Error(`${handle.name} exited during start-up (code ${handle.exitCode}, signal ${handle.signal})\n${tail(handle.stderrPath)}${tail(handle.stdoutPath)}`);
    }
    try {
      const res = await get(url, { timeoutMs: 1_000 });
      if (res.status === 200) return;
      lastError = `status ${res.status}: ${res.body.slice(0, 200)}`;
    } catch (error) {
      lastError = error.message;
    }
    await sleep(100);
  }
  throw new Error(`${handle.name} did not answer ${url} with 200 within ${timeoutMs} ms (${lastError})\n${tail(handle.stderrPath)}${tail(handle.stdoutPath)}`);
}

/** Resident and peak-resident memory of a running process, in MiB (Linux /proc; null elsewhere). */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => {
      const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
      return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
    };
    return { rssMiB: kb('VmRSS'), peakRssMiB: kb('VmHWM') };
  } catch {
    return { rssMiB: null, peakRssMiB: null };
  }
}

function tail(path, lines = 20) {
  try {
    const text = readFileSync(path, 'utf8').trimEnd();
    if (!text) return '';
    return `--- last lines of ${path} ---\n${text.split('\n').slice(-lines).join('\n')}\n`;
  } catch {
    return '';
  }
}
