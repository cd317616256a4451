#!/usr/bin/env node
// Bundles the benchmarks (TypeScript) with esbuild and runs them in a plain Node.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

// The end-to-end figures run the bundled CLI: build it first.
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

await build({
  entryPoints: ['bench/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: 'out/bench/main.cjs',
  // Loaded from node_modules at run time: it finds its own files beside itself.
  external: ['playwright-core'],
  // The Kamailio bench reuses test/kamailio/support.ts, whose test/support/built.ts finds
  // the repository from import.meta.url (empty in a CommonJS bundle): give it the
  // bundle's own URL, out/bench/main.cjs, two folders below the repository as built.ts is.
  define: { 'import.meta.url': '__benchBundleUrl' },
  banner: { js: 'const __benchBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['out/bench/main.cjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
