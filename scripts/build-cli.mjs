// Bundles the CLIs and the standalone worker (npm run keys / generate / jobs / worker): one fast esbuild step,
// so a CLI call does not rebuild the server, the Lambda bundles and the pages.
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const CLI_ENTRIES = {
  'cli/keys': 'src/entrypoints/cli/keys-main.ts',
  'cli/generate': 'src/entrypoints/cli/generate.ts',
  'cli/jobs': 'src/entrypoints/cli/jobs.ts',
  'local/worker': 'src/entrypoints/local/worker.ts',
};

export default async function buildCli(outdir) {
  await build({
    entryPoints: CLI_ENTRIES,
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildCli(process.env.BUILD_OUTDIR ?? 'dist');
