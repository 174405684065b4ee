import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { MAX_BUFFER_BYTES } from '../../src/adapters/logging/log-buffer';
import { stdoutDestination } from '../../src/adapters/logging/pino-logger';

const dir = mkdtempSync(join(tmpdir(), 'cs-log-dest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const line = (i: number) => `${JSON.stringify({ level: 'info', msg: 'request', i, pad: 'x'.repeat(60) })}\n`;

/** A destination on a file of its own, opened; resolves once sonic-boom has the file. */
async function open(bufferBytes: number, waitMs?: number) {
  const path = join(dir, `log-${n++}.jsonl`);
  const dest = stdoutDestination({ bufferBytes, dest: path, ...(waitMs === undefined ? {} : { waitMs }) });
  await new Promise<void>((resolve) => dest.once('ready', () => resolve()));
  const writes: number[] = [];
  dest.on('write', (bytes: number) => writes.push(bytes));
  return { path, dest, writes, text: () => readFileSync(path, 'utf8') };
}

const until = async (done: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the stdout destination', () => {
  it('writes every line on its own without a buffer', async () => {
    const { dest, writes, text } = await open(0);
    for (let i = 0; i < 5; i++) {
      dest.write(line(i));
      await until(() => writes.length === i + 1);
    }
    expect(writes).toEqual([0, 1, 2, 3, 4].map((i) => Buffer.byteLength(line(i))));
    expect(text()).toBe([0, 1, 2, 3, 4].map(line).join(''));
    dest.end();
  });

  it('with a buffer, holds lines until enough are waiting, then writes them in one call', async () => {
    // A wait longer than the test: whatever is written was written because the buffer filled.
    const { dest, writes, text } = await open(512, 600_000);
    const size = Buffer.byteLength(line(0));
    const count = Math.floor(511 / size) + 1;
    for (let i = 0; i < count - 1; i++) dest.write(line(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toEqual([]);
    dest.write(line(count - 1));
    await until(() => writes.length > 0);
    expect(writes).toEqual([count * size]);
    expect(text()).toBe(Array.from({ length: count }, (_, i) => line(i)).join(''));
    dest.end();
  });

  it('with a buffer, writes a lone line after its wait', async () => {
    const { dest, text } = await open(4096, 50);
    dest.write(line(7));
    await new Promise((r) => setTimeout(r, 10));
    expect(text()).toBe('');
    await until(() => text() === line(7));
    dest.end();
  });

  it('writes what is waiting on flushSync, before a planned stop', async () => {
    const { dest, text } = await open(4096);
    dest.write(line(1));
    dest.write(line(2));
    expect(text()).toBe('');
    dest.flushSync();
    expect(text()).toBe(line(1) + line(2));
    dest.end();
  });

  it.each([-1, 1.5, MAX_BUFFER_BYTES + 1])('refuses a buffer of %p bytes', (bytes) => {
    expect(() => stdoutDestination({ bufferBytes: bytes, dest: join(dir, 'never.jsonl') })).toThrow(/bufferBytes must be an integer from 0 to 16383/);
  });
});

describe('a buffered logger in a process that ends', () => {
  const script = join(dir, 'log-exit-child.js');
  beforeAll(() => {
    buildSync({ entryPoints: [join(__dirname, 'fixtures', 'log-exit-child.ts')], outfile: script, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  });

  it.each([
    ['process.exit', 'exit', 3],
    ['an uncaught exception', 'throw', 1],
    ['an empty event loop', 'idle', 0],
  ])('loses no line on %s', (_what, how, code) => {
    const child = spawnSync(process.execPath, [script, how, '20'], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(code);
    const lines = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; i: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
