import { runKeysCli } from './keys-cli';

/** `npm run keys -- …` (bundled to dist/cli/keys.js by scripts/build-cli.mjs). */
void runKeysCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
