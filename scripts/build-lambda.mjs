// One minified CommonJS bundle per Lambda handler, written to <outdir>/lambda/<name>/index.js.
import { build } from 'esbuild';

export const LAMBDA_HANDLERS = ['get-saying', 'submit-feedback', 'get-stats', 'get-health', 'chat'];

export default async function buildLambda(outdir) {
  await Promise.all(
    LAMBDA_HANDLERS.map((name) =>
      build({
        entryPoints: [`src/entrypoints/lambda/${name}.handler.ts`],
        outfile: `${outdir}/lambda/${name}/index.js`,
        bundle: true,
        minify: true,
        platform: 'node',
        // The Lambda runtime is nodejs22.x; node20 output also runs locally for the benchmark.
        target: 'node20',
        format: 'cjs',
        sourcemap: 'external',
        legalComments: 'none',
        logLevel: 'warning',
        metafile: false,
      }),
    ),
  );
}
