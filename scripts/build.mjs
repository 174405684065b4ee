// Bundles every entrypoint with esbuild. BUILD_OUTDIR puts the output elsewhere (the bundle test uses it);
// BUILD_PARTS (comma-separated: local, lambda, web, cli; all by default) builds only those parts.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = process.env.BUILD_OUTDIR ?? 'dist';
const PARTS = { lambda: 'build-lambda.mjs', web: 'build-web.mjs', cli: 'build-cli.mjs' };
const wanted = new Set((process.env.BUILD_PARTS ?? 'local,lambda,web,cli').split(',').map((p) => p.trim()).filter(Boolean));
const unknown = [...wanted].filter((p) => p !== 'local' && !(p in PARTS));
if (unknown.length > 0) {
  process.stderr.write(`BUILD_PARTS names unknown parts: ${unknown.join(', ')} (known: local, ${Object.keys(PARTS).join(', ')})\n`);
  process.exit(2);
}

if (wanted.has('local')) await build({
  entryPoints: { 'local/server': 'src/entrypoints/local/server.ts', 'local/aws-local-server': 'src/entrypoints/local/aws-local-server.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The Lambda bundles, the web pages and the CLIs have build steps of their own.
for (const [name, part] of Object.entries(PARTS)) {
  if (wanted.has(name) && existsSync(new URL(part, import.meta.url))) await (await import(`./${part}`)).default(outdir);
}
