// Bundles every entrypoint with esbuild. BUILD_OUTDIR puts the output elsewhere (the bundle test uses it).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = process.env.BUILD_OUTDIR ?? 'dist';

await build({
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
for (const part of ['build-lambda.mjs', 'build-web.mjs', 'build-cli.mjs']) {
  if (existsSync(new URL(part, import.meta.url))) await (await import(`./${part}`)).default(outdir);
}
