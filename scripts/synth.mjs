// Synthesises the CDK app (infra/app.ts) offline into cdk.out/ — no CDK CLI, no network, no Docker.
//
//   node scripts/synth.mjs [--env dev|staging|prod|all] [--out cdk.out] [--build] [--no-build]
//                          [--bundle-dir dist/lambda] [--web-dir dist/web] [-c key=value ...]
//
// The functions deploy our own esbuild bundles (dist/lambda/<name>/index.js). They are built first when
// missing (--build: always; --no-build: never, fail instead). The app is bundled with esbuild (aws-cdk-lib,
// constructs and every other package stay external) and run in a child Node process, as the CDK CLI would
// run it. When the CDK CLI itself runs this script as its app, its CDK_OUTDIR and context are honoured.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { env: process.env.DEPLOY_ENV ?? 'dev', out: 'cdk.out', build: 'if-missing', context: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--env') options.env = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--build') options.build = 'always';
    else if (arg === '--no-build') options.build = 'never';
    else if (arg === '--bundle-dir') options.context.bundleDir = value();
    else if (arg === '--web-dir') options.context.webDir = value();
    else if (arg === '-c' || arg === '--context') {
      const [key, ...rest] = value().split('=');
      options.context[key] = rest.join('=');
    } else if (arg === '--help' || arg === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

async function lambdaNames() {
  const buildLambda = path.join(root, 'scripts', 'build-lambda.mjs');
  if (existsSync(buildLambda)) {
    const { LAMBDA_HANDLERS } = await import(buildLambda);
    if (Array.isArray(LAMBDA_HANDLERS)) return LAMBDA_HANDLERS;
  }
  return ['get-saying', 'submit-feedback', 'get-stats', 'get-health'];
}

async function ensureBundles(options) {
  const bundleDir = path.resolve(root, options.context.bundleDir ?? 'dist/lambda');
  const missing = (await lambdaNames()).filter((name) => !existsSync(path.join(bundleDir, name, 'index.js')));
  if (options.build === 'never' && missing.length > 0) {
    throw new Error(`missing Lambda bundles in ${bundleDir}: ${missing.join(', ')} (run npm run build, or drop --no-build)`);
  }
  if (options.build === 'always' || missing.length > 0) {
    if (options.context.bundleDir && missing.length > 0) {
      throw new Error(`missing Lambda bundles in ${bundleDir}: ${missing.join(', ')} (a custom --bundle-dir is never built)`);
    }
    console.log(missing.length > 0 ? `building (missing bundles: ${missing.join(', ')})…` : 'building…');
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`node scripts/build.mjs failed (exit ${result.status})`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  await ensureBundles(options);

  const appFile = path.join(root, 'build', 'infra', 'app.cjs');
  await build({
    entryPoints: [path.join(root, 'infra', 'app.ts')],
    outfile: appFile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });

  const outdir = process.env.CDK_OUTDIR ?? path.resolve(root, options.out);
  const inherited = process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : {};
  const context = { env: options.env, ...inherited, ...options.context };
  const result = spawnSync(process.execPath, ['--enable-source-maps', appFile], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  if (result.status !== 0) throw new Error(`synthesis failed (exit ${result.status})`);

  const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const templates = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => [name, path.join(outdir, artifact.properties.templateFile)]);
  console.log(`synthesised ${templates.length} stack(s) into ${outdir}`);
  for (const [name, file] of templates) {
    const relative = path.relative(process.cwd(), file);
    console.log(`  ${name}: ${relative.startsWith('..') ? file : relative}`);
  }
}

main().catch((error) => {
  console.error(`synth: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
