import type { ServerResponse } from 'node:http';
import type { HttpStreamResponse } from './http-types';

/**
 * How long a stream waits for a client that stopped reading (its socket buffers full) before giving it up: the
 * connection is destroyed, as if the client had left, so that neither it nor the route's generator — and the
 * settlement that starts when the generator ends — is held for as long as the client cares to stall.
 */
export const STALLED_CLIENT_MS = 30_000;

export interface WriteStreamOptions {
  /** Defaults to `STALLED_CLIENT_MS`. */
  readonly stalledClientMs?: number;
}

/**
 * Writes a stream response on node:http (both doors): headers at once, Nagle off, each piece as soon as the route
 * yields it, waiting for the socket to drain when the client reads slowly — up to `stalledClientMs`. A client
 * that left (or stalled past it) stops the loop, and `return()` lets the route's generator settle what was sent
 * (the aborted request signal has already stopped the upstream call).
 */
export async function writeStream(res: ServerResponse, response: HttpStreamResponse, options: WriteStreamOptions = {}): Promise<void> {
  res.writeHead(response.status, response.headers);
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  const stalledClientMs = options.stalledClientMs ?? STALLED_CLIENT_MS;
  const pieces = response.stream[Symbol.asyncIterator]();
  let complete = false;
  try {
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
      if (res.destroyed) break;
      if (!res.write(next.value) && !(await drained(res, stalledClientMs))) {
        res.destroy();
        break;
      }
    }
    complete = !res.destroyed;
  } finally {
    if (!complete) await pieces.return?.(undefined);
    res.end();
  }
}

/** True once the socket drained; false when it closed or did not drain within `withinMs`. */
function drained(res: ServerResponse, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(done, withinMs, false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
