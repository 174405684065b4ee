// Bundles the browser pages with esbuild into `${outdir}/web/`: minified JS (Chart.js included, no CDN),
// CSS and copied HTML. Every asset gets a content hash in its name, so the server can cache it for a year;
// the HTML pages are rewritten to point at the hashed names. WEB_API_URL, when set, names the API's
// origin for a static deployment (S3 + CloudFront); by default the pages call their own origin.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'src', 'entrypoints', 'web');
const PAGES = ['index.html', 'dashboard.html'];
const COPIED = ['favicon.svg'];

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function apiUrl() {
  const raw = process.env.WEB_API_URL ?? '';
  if (raw === '') return '';
  const url = new URL(raw); // Throws on a malformed value: better at build time than in every browser.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`WEB_API_URL must be http(s): ${raw}`);
  return url.href.replace(/\/+$/, '');
}

export default async function buildWeb(outdir) {
  const target = join(outdir, 'web');
  const assets = join(target, 'assets');
  await rm(target, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });

  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      home: join(web, 'client', 'home.ts'),
      dashboard: join(web, 'client', 'dashboard.ts'),
      styles: join(web, 'public', 'styles.css'),
    },
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
    tsconfig: join(web, 'client', 'tsconfig.json'),
    sourcemap: 'linked',
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });

  // `/assets/home.js` in the HTML → `/assets/home-HASH.js`.
  const names = new Map();
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint || file.endsWith('.map')) continue;
    const ext = extname(file);
    names.set(`${basename(meta.entryPoint, extname(meta.entryPoint))}${ext}`, relative(assets, join(root, file)));
  }
  for (const file of COPIED) {
    const content = await readFile(join(web, 'public', file));
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 8).toUpperCase();
    const hashed = `${basename(file, extname(file))}-${hash}${extname(file)}`;
    await writeFile(join(assets, hashed), content);
    names.set(file, hashed);
  }

  const api = escapeAttr(apiUrl());
  for (const page of PAGES) {
    let html = await readFile(join(web, 'public', page), 'utf8');
    html = html.replace(/(["'])\/assets\/([\w.-]+)\1/g, (match, quote, name) => {
      const hashed = names.get(name);
      if (!hashed) throw new Error(`${page} refers to /assets/${name}, which the build does not produce`);
      return `${quote}/assets/${hashed}${quote}`;
    });
    html = html.replace('<meta name="cloud-sayings-api" content="">', `<meta name="cloud-sayings-api" content="${api}">`);
    await writeFile(join(target, page), html);
  }
  return { dir: target, assets: Object.fromEntries(names) };
}
