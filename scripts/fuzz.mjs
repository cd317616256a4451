#!/usr/bin/env node
// `npm run fuzz`: builds the CLI and the language server, bundles bench/fuzz.ts (the
// harness runs itself in its worker threads, so it is one CommonJS file) and runs it.
// Options: --count N (100000) --seed S (1) --workers W (cores) --cli N (2000) --lsp N (2000)
// --verify N (500), or --seed S --index I for one input again. Not part of `npm test`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

const built = spawnSync(process.execPath, ['scripts/build.mjs', 'cli', 'server'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

await build({
  entryPoints: ['bench/fuzz.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: 'out/bench/fuzz.cjs',
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['out/bench/fuzz.cjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
