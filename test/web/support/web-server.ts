import express from 'express';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { webRouter } from '../../../src/entrypoints/web/web-router';
import { startHarness, type Harness } from '../../support/local-harness';

export const ROOT = join(__dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

/** Env of the brief: a fast offline simulation, quiet logs, votes never rate-limited. */
export const WEB_ENV = {
  OFFLINE_MIN_LATENCY_MS: '0',
  OFFLINE_MAX_LATENCY_MS: '5',
  LOG_LEVEL: 'silent',
  VOTES_PER_MINUTE: '100000',
} as const;

export interface BuiltWeb {
  /** The `web/` folder the router serves. */
  readonly dir: string;
  cleanup(): void;
}

/** Runs scripts/build-web.mjs (ESM, so in its own node process) into a temporary folder. */
export function buildWebAssets(): BuiltWeb {
  const outdir = mkdtempSync(join(tmpdir(), 'cs-web-'));
  const script = pathToFileURL(join(ROOT, 'scripts', 'build-web.mjs')).href;
  const run = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(script)}).then((m) => m.default(${JSON.stringify(outdir)}))`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`build-web failed (${run.status}): ${run.stderr}`);
  return { dir: join(outdir, 'web'), cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

export interface WebServer {
  readonly url: string;
  readonly harness: Harness;
  close(): Promise<void>;
}

/** The local app with the web router in front, as app.ts will mount it, listening on 127.0.0.1:0. */
export async function startWebServer(staticDir: string): Promise<WebServer> {
  const harness = await startHarness({ env: { ...WEB_ENV } });
  const app = express();
  app.disable('x-powered-by');
  app.use(webRouter(staticDir));
  app.use(harness.local.app);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    harness,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.settle();
      await harness.close();
    },
  };
}

/**
 * Serves `sayings` sayings through the API (the fourth written live, the rest from the pool once it is
 * built) and votes on them: `votes[i]` is a string of `u` (up) and `d` (down) for the i-th saying.
 */
export async function seedTraffic(h: Harness, sayings: number, votes: readonly string[] = []): Promise<void> {
  for (let i = 0; i < sayings; i++) {
    const res = await h.http.get('/sayings').expect(200);
    const s = res.body as { sayingId: string; saying: string; source: string; isCached: boolean; executionTime: number; originalLlmTime: number | null };
    const body = { sayingId: s.sayingId, saying: s.saying, source: s.source, executionTime: s.executionTime, isCached: s.isCached, originalLlmTime: s.originalLlmTime };
    for (const [n, vote] of [...(votes[i] ?? '')].entries()) {
      await h.http
        .post('/feedback')
        .set('Idempotency-Key', `seed-${i}-${n}`)
        .send({ ...body, feedbackType: vote === 'd' ? 'NEGATIVE' : 'POSITIVE' })
        .expect(201);
    }
    if (i === 3) await h.settle();
  }
}
