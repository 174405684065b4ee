import type { ServerResponse } from 'node:http';
import type { HttpStreamResponse } from './http-types';

/**
 * Writes a stream response on node:http (both doors): headers at once, Nagle off, each piece as soon as the route
 * yields it, waiting for the socket to drain when the client reads slowly. A client that left stops the loop, and
 * `return()` lets the route's generator settle what was sent (the aborted request signal has already stopped the
 * upstream call).
 */
export async function writeStream(res: ServerResponse, response: HttpStreamResponse): Promise<void> {
  res.writeHead(response.status, response.headers);
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  const pieces = response.stream[Symbol.asyncIterator]();
  let complete = false;
  try {
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
      if (res.destroyed) break;
      if (!res.write(next.value)) await drained(res);
    }
    complete = !res.destroyed;
  } finally {
    if (!complete) await pieces.return?.(undefined);
    res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
