#!/usr/bin/env node
// Regenerates the golden files examples/broken/*.expected.txt from the checker's
// current output.
//
//   node scripts/update-goldens.mjs
//
// It runs the golden test (test/unit/golden/golden.test.ts) with UPDATE_GOLDENS=1,
// which makes the test write each file instead of comparing it, so the goldens are
// produced by exactly the code that checks them. Afterwards it lists the files that
// changed: review each against the header comment of its .surv file before
// committing (git diff examples/broken).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'examples', 'broken');

const snapshot = () => new Map(readdirSync(dir).filter((f) => f.endsWith('.expected.txt')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

const before = snapshot();
const result = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/unit/golden/golden.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UPDATE_GOLDENS: '1' },
  shell: process.platform === 'win32',
});
if (result.status !== 0) {
  console.error('update-goldens: the golden test failed; goldens may be partly written');
  process.exit(result.status ?? 1);
}
const after = snapshot();
const changed = [...after].filter(([f, text]) => before.get(f) !== text).map(([f]) => f);
console.log(changed.length === 0 ? 'update-goldens: no golden changed' : `update-goldens: changed ${changed.join(', ')}`);
