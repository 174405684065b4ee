// Express 5 hello-world: the baseline the sayings server is compared with (same framework, same Node,
// same machine). Reads PORT and HOST like the real server and logs one JSON line once it listens.
import { createServer } from 'node:http';
import express from 'express';

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? '127.0.0.1';

const app = express();
app.get('/', (req, res) => res.json({ hello: 'world' }));

const server = createServer(app);
server.keepAliveTimeout = 65_000; // as the sayings server, so that neither closes autocannon's connections
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://${host}:${actual}` })}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
