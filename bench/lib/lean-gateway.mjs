// A lean OpenAI-shaped gateway in one function, for `npm run bench:gateway-floor` only: the minimal proxy of
// bench/lib/minimal-proxy.mjs plus, one step at a time (FEATURES, comma-separated), what every gateway request
// needs. It answers what those features cost on this machine when nothing else is in the way, so the real
// gateway's cost can be read against it (ADR 0015). It is not a gateway: no streaming, no error shapes, no
// resilience, no persistence, one key.
//   log    one JSON access line per request through pino's asynchronous destination, lines gathered up to 4 KiB or
//          100 ms per write, as the server logs (LOG_BUFFER_BYTES)
//   auth   Bearer key: SHA-256 of the key, a Map lookup, the key's status checked
//   zod    the request body through a strict zod schema of the common fields
//   limits two token buckets (requests and tokens per minute) taken together, with a rough token estimate
//   abort  an AbortController per request, aborted when the client leaves or a 30 s timer fires; its signal
//          goes to undici
//   usage  after the answer (a macrotask later), a usage record kept and the key's totals updated
// PORT, HOST, UPSTREAM_URL (with /v1), FEATURES, KEY (the bearer key clients send).
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pino from 'pino';
import { Agent } from 'undici';
import { z } from 'zod';
import { serveUntilStopped } from './child-server.mjs';

const features = new Set((process.env.FEATURES ?? '').split(',').filter(Boolean));
const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1/v1');
const path = `${upstream.pathname.replace(/\/$/, '')}/chat/completions`;
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });
const log = pino({ base: { service: 'lean-gateway' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 }));

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const keys = new Map([[sha256(process.env.KEY ?? 'cs_lean'), { id: 'key_lean', status: 'active', requests: 0, tokens: 0 }]]);
const usage = [];

const message = z.object({ role: z.enum(['system', 'user', 'assistant', 'developer']), content: z.string().min(1).max(1_000_000), name: z.string().max(64).optional() }).strict();
const schema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(message).min(1).max(256),
    max_tokens: z.number().int().positive().max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    stream: z.boolean().optional(),
    user: z.string().max(256).optional(),
  })
  .strict();

const bucket = (limit) => ({ limit, level: limit, at: Date.now() });
const buckets = { requests: bucket(1_000_000), tokens: bucket(1_000_000_000) };
const refill = (b, now) => {
  b.level = Math.min(b.limit, b.level + ((now - b.at) * b.limit) / 60_000);
  b.at = now;
};

async function handle(req, res, raw) {
  let key;
  if (features.has('auth')) {
    const header = req.headers.authorization ?? '';
    key = header.startsWith('Bearer ') ? keys.get(sha256(header.slice(7))) : undefined;
    if (!key || key.status !== 'active') return send(res, 401, { error: { message: 'unauthorized' } });
  }
  let body = JSON.parse(raw);
  if (features.has('zod')) {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return send(res, 400, { error: { message: parsed.error.issues[0]?.message } });
    body = parsed.data;
  }
  const estimate = body.messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0) + (body.max_tokens ?? 256);
  if (features.has('limits')) {
    const now = Date.now();
    refill(buckets.requests, now);
    refill(buckets.tokens, now);
    if (buckets.requests.level < 1 || buckets.tokens.level < estimate) return send(res, 429, { error: { message: 'rate limited' } });
    buckets.requests.level -= 1;
    buckets.tokens.level -= estimate;
  }
  let controller;
  let timer;
  if (features.has('abort')) {
    controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    timer = setTimeout(() => controller.abort(), 30_000);
  }
  const started = performance.now();
  const answer = await agent.request({
    origin: upstream.origin,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', accept: 'application/json', 'user-agent': 'lean-gateway' },
    body: JSON.stringify({ model: body.model, messages: body.messages, max_tokens: body.max_tokens, temperature: body.temperature }),
    signal: controller?.signal,
  });
  const completion = await answer.body.json();
  clearTimeout(timer);
  const choice = completion.choices[0];
  send(
    res,
    200,
    {
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: choice.message.content, refusal: null }, logprobs: null, finish_reason: choice.finish_reason }],
      usage: completion.usage,
    },
    { 'x-ratelimit-limit-requests': String(buckets.requests.limit), 'x-ratelimit-remaining-requests': String(Math.floor(buckets.requests.level)), 'x-cache': 'MISS' },
  );
  if (features.has('usage')) {
    const llmMs = performance.now() - started;
    setImmediate(() => {
      usage.push({ id: randomUUID(), at: Date.now(), keyId: key?.id, model: body.model, tokens: completion.usage.total_tokens, llmMs });
      if (usage.length > 200_000) usage.splice(0, 10_000);
      if (key) {
        key.requests += 1;
        key.tokens += completion.usage.total_tokens;
      }
    });
  }
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  if (features.has('log')) {
    res.once('finish', () => log.info({ method: req.method, path: req.url, status: res.statusCode, durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100 }, 'request'));
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error) => {
      if (!res.headersSent) send(res, 502, { error: { message: String(error) } });
      else res.destroy();
    });
  });
});
serveUntilStopped(server);
