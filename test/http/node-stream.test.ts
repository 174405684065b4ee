import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { writeStream } from '../../src/entrypoints/http/core/node-stream';

/*
 * The stream writer of both node:http doors against a real socket whose client stops reading: it waits for the
 * socket to drain, but not for ever — past the stall limit the connection is given up and the route's generator
 * is closed, so what it holds (an upstream call, a settlement) is let go of.
 */

const PIECE = `data: ${'x'.repeat(64 * 1024)}\n\n`;

interface Run {
  readonly server: Server;
  readonly ended: Promise<{ readonly closedGenerator: boolean; readonly piecesSent: number; readonly destroyed: boolean }>;
}

function serve(stalledClientMs: number, limit = Number.POSITIVE_INFINITY): Run {
  let finish: (value: { closedGenerator: boolean; piecesSent: number; destroyed: boolean }) => void = () => undefined;
  const ended = new Promise<{ closedGenerator: boolean; piecesSent: number; destroyed: boolean }>((resolve) => (finish = resolve));
  const server = createServer((_req, res) => {
    let piecesSent = 0;
    let closedGenerator = true;
    // Runs out after `limit` pieces (closedGenerator false), unless the writer closes it first.
    async function* pieces(): AsyncGenerator<string> {
      for (; piecesSent < limit; piecesSent++) yield PIECE;
      closedGenerator = false;
    }
    void writeStream(res, { status: 200, headers: { 'content-type': 'text/event-stream' }, stream: pieces() }, { stalledClientMs }).then(() =>
      finish({ closedGenerator, piecesSent, destroyed: res.destroyed }),
    );
  });
  return { server, ended };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function request(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.write('GET /stream HTTP/1.1\r\nhost: localhost\r\n\r\n');
  return socket;
}

it('gives up a client that stopped reading once the stall limit passes, and closes the route’s generator', async () => {
  const run = serve(300);
  const port = await listen(run.server);
  const socket = request(port);
  // Read the first bytes, then stop reading: the socket buffers fill and the writer waits for a drain.
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  try {
    const ended = await run.ended;
    expect(ended).toMatchObject({ closedGenerator: true, destroyed: true });
    expect(ended.piecesSent).toBeGreaterThan(0);
  } finally {
    socket.destroy();
    run.server.close();
  }
});

it('waits for a client that reads slowly but keeps reading, and sends it everything', async () => {
  const run = serve(2_000, 40);
  const port = await listen(run.server);
  const socket = request(port);
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // A reader that stops for a moment after each chunk, well within the limit.
    socket.pause();
    setTimeout(() => socket.resume(), 2);
  });
  try {
    const ended = await run.ended;
    expect(ended).toEqual({ closedGenerator: false, piecesSent: 40, destroyed: false });
    // Everything arrives: the 40 pieces and their chunk framing.
    while (received <= 40 * PIECE.length) await new Promise((r) => setTimeout(r, 5));
  } finally {
    socket.destroy();
    run.server.close();
  }
});
