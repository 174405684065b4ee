// The floor a gateway is measured against (TOOLCHAIN.md: "JSON in, keep-alive upstream pool, JSON out"): node:http
// in, the body parsed and re-serialised to UPSTREAM_URL through an undici keep-alive pool, the upstream's JSON
// parsed and re-serialised back. No auth, no validation, no limits, no logging.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { serveUntilStopped } from './child-server.mjs';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1');
const pool = new Pool(upstream.origin, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const answer = await pool.request({
        method: 'POST',
        path: `${upstream.pathname.replace(/\/$/, '')}/chat/completions`,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
        body: JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8'))),
      });
      const text = JSON.stringify(await answer.body.json());
      res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: String(error), type: 'server_error', param: null, code: null } }));
    }
  });
});
serveUntilStopped(server, { onStop: () => pool.close() });
