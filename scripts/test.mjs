#!/usr/bin/env node
// `npm test`: every check the project has, in the order that fails fastest.
// Each step is a real process; a failing step stops the run with its exit code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const steps = [
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type check (VS Code client)', 'npx', ['tsc', '-p', 'client/tsconfig.json', '--noEmit']],
  ['type check (preview webview)', 'npx', ['tsc', '-p', 'client/media/tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['build', 'node', ['scripts/build.mjs']],
  ['package', 'node', ['scripts/package.mjs']],
  ['provision', 'node', ['scripts/provision.mjs']],
  ['tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=out/vitest.json']],
];

for (const [name, command, args] of steps) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\n== ${name} failed after ${seconds}s (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`== ${name} passed in ${seconds}s\n`);
}

// One plain closing line, the same whatever the runner: `N passed, N failed, N skipped`.
const report = JSON.parse(readFileSync('out/vitest.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
process.stdout.write(`\n${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
if (report.numTotalTests === 0 || report.numFailedTests > 0) process.exit(1);
