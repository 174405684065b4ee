import express from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ASSET_CACHE_CONTROL, CONTENT_SECURITY_POLICY, webRouter } from '../../src/entrypoints/web/web-router';
import { buildWebAssets, type BuiltWeb } from './support/web-server';

describe('the web build and its router', () => {
  let built: BuiltWeb;
  let app: express.Express;

  beforeAll(() => {
    built = buildWebAssets();
    app = express();
    app.use(webRouter(built.dir));
    app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'fell through' } }));
  }, 30_000);
  afterAll(() => built.cleanup());

  const assets = (): string[] => readdirSync(join(built.dir, 'assets'));

  it('bundles minified, content-hashed JS with Chart.js inside, and CSS', () => {
    const names = assets();
    const dashboard = names.find((n) => /^dashboard-[A-Z0-9]{8}\.js$/.test(n));
    expect(dashboard).toBeDefined();
    expect(names.some((n) => /^home-[A-Z0-9]{8}\.js$/.test(n))).toBe(true);
    expect(names.some((n) => /^styles-[A-Z0-9]{8}\.css$/.test(n))).toBe(true);
    const js = readFileSync(join(built.dir, 'assets', dashboard ?? ''), 'utf8');
    expect(js).toContain('Chart.js v4.6.1'); // bundled, with its licence kept
    expect(js.split('\n').length).toBeLessThan(40); // minified
  });

  it('writes pages that load only hashed local assets, with no inline script or handler', () => {
    for (const page of ['index.html', 'dashboard.html']) {
      const html = readFileSync(join(built.dir, page), 'utf8');
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      for (const ref of refs.filter((r) => r.startsWith('/assets/'))) expect(assets()).toContain(ref.slice('/assets/'.length));
      expect(refs.filter((r) => /^(https?:)?\/\//.test(r))).toEqual([]);
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/\sstyle=/i);
    }
  });

  it('serves / and /dashboard as revalidated HTML under a strict CSP', async () => {
    for (const [path, title] of [['/', '<title>Cloud Sayings</title>'], ['/dashboard', '<title>Dashboard · Cloud Sayings</title>']] as const) {
      const res = await request(app).get(path).expect(200).expect('content-type', /text\/html/);
      expect(res.text).toContain(title);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('serves hashed assets as immutable for a year, and lets unknown ones fall through', async () => {
    const js = assets().find((n) => n.startsWith('home-') && n.endsWith('.js')) ?? '';
    const res = await request(app).get(`/assets/${js}`).expect(200).expect('content-type', /javascript/);
    expect(res.headers['cache-control']).toBe(ASSET_CACHE_CONTROL);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await request(app).get('/assets/nope.js').expect(404);
    await request(app).get('/assets/').expect(404);
    await request(app).get('/assets/..%2findex.html').expect(404);
  });

  it('answers 503 web_not_built when the pages were never built', async () => {
    const bare = express().use(webRouter(join(built.dir, 'missing')));
    bare.use((error: { status?: number; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({ error: { code: error.code } });
    });
    const res = await request(bare).get('/').expect(503);
    expect(res.body).toEqual({ error: { code: 'web_not_built' } });
  });
});
