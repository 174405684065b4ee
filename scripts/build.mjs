// Bundles each entrypoint with esbuild: the local server now, the Lambda handlers later.
import { build } from 'esbuild';

const entries = {
  'local/server': 'src/entrypoints/local/server.ts',
};

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // pino loads its transports by path at run time; it is used without them, so it bundles cleanly.
});
