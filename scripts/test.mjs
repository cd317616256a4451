#!/usr/bin/env node
// `npm test`: every check the project has, in the order that fails fastest.
// Each step is a real process; a failing step stops the run with its exit code.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['build', 'node', ['scripts/build.mjs']],
  ['tests', 'npx', ['vitest', 'run']],
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
