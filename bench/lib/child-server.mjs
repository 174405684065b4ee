// The tail every bench child server shares: listen, say so in one JSON line (`{"msg":"listening","url":…}`, which
// the bench waits for), keep connections open as long as autocannon's, and stop cleanly on SIGTERM or SIGINT.

/** `server.listen` on PORT/HOST (or 0 and loopback); `onStop` runs as it stops (close a pool, say). */
export function serveUntilStopped(server, { onStop = () => undefined } = {}) {
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? '127.0.0.1';
  server.keepAliveTimeout = 65_000;
  server.listen(port, host, () => {
    process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://${host}:${server.address().port}` })}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    void onStop();
    setTimeout(() => process.exit(0), 1_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
