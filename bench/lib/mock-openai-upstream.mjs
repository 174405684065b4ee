// An OpenAI-shaped upstream for the gateway benchmark: POST /v1/chat/completions answers at once with a fixed
// chat.completion (keep-alive, Content-Length), everything else 404. Reads PORT/HOST, prints one JSON line.
import { createServer } from 'node:http';
import { serveUntilStopped } from './child-server.mjs';


const body = (model) =>
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Amazon S3: infinite storage, finite patience.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
  });
const cached = new Map();

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    let model = 'gpt-4.1-mini';
    try {
      model = JSON.parse(Buffer.concat(chunks).toString('utf8')).model ?? model;
    } catch {
      /* the fixed model */
    }
    let text = cached.get(model);
    if (!text) cached.set(model, (text = body(model)));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});
serveUntilStopped(server);
