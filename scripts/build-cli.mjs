// The key-management CLI (`npm run keys`), one CommonJS bundle at <outdir>/cli/keys.js. Run on its own it builds
// into BUILD_OUTDIR or dist, so `npm run keys` does not wait for the server, Lambda and web builds.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export default async function buildCli(outdir) {
  await build({
    entryPoints: { 'cli/keys': 'src/entrypoints/cli/keys-main.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli(process.env.BUILD_OUTDIR ?? 'dist');
