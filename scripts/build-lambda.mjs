// One minified CommonJS bundle per Lambda handler, written to <outdir>/lambda/<name>/index.js, and beside it
// `lazy/<adapter>.js`: the model-provider adapters and their SDKs, which the composition root loads with a
// dynamic import() on a provider's first call (src/entrypoints/container/model-providers.ts). Kept out of
// index.js, they are neither parsed nor compiled at a cold start (ADR 0021).
//
// The AWS SDK v3 is bundled, at the lockfile's versions: what the tests ran is what deploys, and one file starts
// faster than the runtime's copy spread over hundreds (ADR 0021). LAMBDA_EXTERNAL_AWS_SDK=true leaves @aws-sdk/*
// to the nodejs24.x runtime instead (smaller packages, the runtime's SDK version).
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const AWS_SDK = ['@aws-sdk/*'];

export const LAMBDA_HANDLERS = ['get-saying', 'submit-feedback', 'get-stats', 'get-health', 'seed-collection', 'chat', 'submit-job', 'get-job', 'job-worker', 'manage-keys', 'gateway'];

/** Modules only ever reached through a dynamic import(): each its own file under `lazy/`. */
export const LAZY_MODULES = {
  'openai-http-llm-provider': 'src/adapters/providers/openai/openai-http-llm-provider.ts',
  'openai-llm-provider': 'src/adapters/providers/openai/openai-llm-provider.ts',
  'node-http-fetch': 'src/adapters/providers/shared/node-http-fetch.ts',
  'anthropic-llm-provider': 'src/adapters/providers/anthropic/anthropic-llm-provider.ts',
  'bedrock-llm-provider': 'src/adapters/providers/bedrock/bedrock-llm-provider.ts',
};

const common = () => ({
  bundle: true,
  minify: true,
  platform: 'node',
  // ESM builds of dependencies tree-shake; their CommonJS builds (esbuild's default on node) do not.
  mainFields: ['module', 'main'],
  // The Lambda runtime is nodejs24.x (ADR 0024); node20 output also runs on the Node 20 that can still run the tests.
  target: 'node20',
  format: 'cjs',
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  external: process.env.LAMBDA_EXTERNAL_AWS_SDK === 'true' ? AWS_SDK : [],
});

/** A dynamic import() of a lazy module becomes a require() of its file, resolved at run time beside index.js. */
const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    const byFile = new Map(Object.entries(LAZY_MODULES).map(([name, file]) => [path.resolve(file).replace(/\.ts$/, ''), name]));
    b.onResolve({ filter: /\.js$/ }, (args) => {
      // Only our own lazy loading; a dependency's dynamic imports stay inside the bundle.
      if (args.kind !== 'dynamic-import' || !args.importer.startsWith(path.resolve('src'))) return undefined;
      const name = byFile.get(path.resolve(args.resolveDir, args.path).replace(/\.js$/, ''));
      if (name === undefined) throw new Error(`dynamic import of ${args.path} is not in LAZY_MODULES (scripts/build-lambda.mjs)`);
      return { path: `./lazy/${name}.js`, external: true };
    });
  },
};

export default async function buildLambda(outdir) {
  const lazyDir = `${outdir}/lambda/.lazy`;
  await rm(lazyDir, { recursive: true, force: true });
  await build({ ...common(), entryPoints: LAZY_MODULES, outdir: lazyDir });
  await Promise.all(
    LAMBDA_HANDLERS.map(async (name) => {
      await build({
        ...common(),
        entryPoints: [`src/entrypoints/lambda/${name}.handler.ts`],
        outfile: `${outdir}/lambda/${name}/index.js`,
        // import() of an external module as require(): it loads the CommonJS file with its named exports.
        supported: { 'dynamic-import': false },
        plugins: [lazyImports],
      });
      await rm(`${outdir}/lambda/${name}/lazy`, { recursive: true, force: true });
      await mkdir(`${outdir}/lambda/${name}/lazy`, { recursive: true });
      await cp(lazyDir, `${outdir}/lambda/${name}/lazy`, { recursive: true });
    }),
  );
  await rm(lazyDir, { recursive: true, force: true });
}
