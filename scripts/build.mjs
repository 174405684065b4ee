// Bundles each entrypoint with esbuild. BUILD_OUTDIR puts the output elsewhere (the bundle test uses it).
import { build } from 'esbuild';

const outdir = process.env.BUILD_OUTDIR ?? 'dist';

await build({
  entryPoints: { 'local/server': 'src/entrypoints/local/server.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
