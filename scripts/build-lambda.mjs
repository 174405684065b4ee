// One minified CommonJS bundle per Lambda handler, written to <outdir>/lambda/<name>/index.js.
//
// The AWS SDK v3 clients (@aws-sdk/*, with the @smithy/* packages they bring) are left out: the nodejs22.x runtime ships it, as the CDK's own
// NodejsFunction assumes by default (ADR 0021). LAMBDA_BUNDLE_AWS_SDK=true bundles it instead, for a
// deployment that wants the exact SDK versions of package-lock.json at the cost of ~0.45 MiB per function.
import { build } from 'esbuild';

const AWS_SDK = ['@aws-sdk/*'];

export const LAMBDA_HANDLERS = ['get-saying', 'submit-feedback', 'get-stats', 'get-health', 'seed-collection', 'chat', 'submit-job', 'get-job', 'job-worker', 'manage-keys', 'gateway'];

export default async function buildLambda(outdir) {
  await Promise.all(
    LAMBDA_HANDLERS.map((name) =>
      build({
        entryPoints: [`src/entrypoints/lambda/${name}.handler.ts`],
        outfile: `${outdir}/lambda/${name}/index.js`,
        bundle: true,
        minify: true,
        platform: 'node',
        // ESM builds of dependencies tree-shake; their CommonJS builds (esbuild's default on node) do not.
        mainFields: ['module', 'main'],
        // The Lambda runtime is nodejs22.x; node20 output also runs locally for the benchmark.
        target: 'node20',
        format: 'cjs',
        sourcemap: 'external',
        legalComments: 'none',
        logLevel: 'warning',
        external: process.env.LAMBDA_BUNDLE_AWS_SDK === 'true' ? [] : AWS_SDK,
        metafile: false,
      }),
    ),
  );
}
