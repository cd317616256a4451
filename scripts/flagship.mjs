#!/usr/bin/env node
// The README's first command: the whole job on the flagship design, as a user runs it.
// Check it, replay its scenarios, explore its failures, draw its ladders and export the
// bundle for its router, each step through the built `surv` CLI; the first step that
// fails stops the run with its exit status.
//
//   npm run flagship        (builds first)
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = 'examples/bilbao.surv';
const steps = [
  ['check', file],
  ['simulate', file],
  ['verify', file],
  ['diagram', file, '--format', 'md', '--out', 'out/flagship/bilbao.md'],
  ['export', file, '--target', 'edgeos', '--out', 'out/flagship/bilbao-edgeos', '--archive'],
];

for (const args of steps) {
  process.stdout.write(`\n== surv ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [resolve(root, 'bin/surv.cjs'), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.stdout.write('\nThe ladders are in out/flagship/bilbao.md; the router bundle in out/flagship/bilbao-edgeos/ (and .tar.gz).\n');
