// Golden diagrams: the exact Mermaid source of every design and scenario view of every
// shipped example, one file each in test/golden/diagrams/ (named as `surv diagram
// --out DIR` names them), plus bilbao's Markdown page (`surv diagram --format md`).
//
// After an intended change of the diagrams (or of the simulator's traces), rewrite them:
//
//   UPDATE_GOLDENS=1 npx vitest run --project unit test/unit/diagram/golden.test.ts
//
// and review the diff (git diff test/golden/diagrams) before committing it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNames, markdown } from '../../../cli/src/diagram.js';
import { exampleFiles, modelOf, root, viewsOf } from './helpers.js';

const UPDATE = process.env['UPDATE_GOLDENS'] === '1';
const dir = join(root, 'test/golden/diagrams');

const goldens = new Map<string, string>();
for (const file of exampleFiles()) {
  const views = viewsOf(file);
  const names = fileNames(views);
  for (const v of views) goldens.set(`${names.get(v)!}.mmd`, v.mermaid);
}
goldens.set('bilbao.md', markdown(viewsOf('examples/bilbao.surv'), 'examples/bilbao.surv'));

if (UPDATE) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (!goldens.has(name)) rmSync(join(dir, name));
}

describe('golden diagrams of the shipped examples', () => {
  it.each([...goldens.keys()])('%s', (name) => {
    const path = join(dir, name);
    if (UPDATE) {
      writeFileSync(path, goldens.get(name)!);
      return;
    }
    if (!existsSync(path)) expect.fail(`${path} is missing: run UPDATE_GOLDENS=1 npx vitest run --project unit test/unit/diagram/golden.test.ts`);
    expect(goldens.get(name)).toBe(readFileSync(path, 'utf8'));
  });

  it('has a golden for every view and no golden without one', () => {
    expect(readdirSync(dir).sort()).toEqual([...goldens.keys()].sort());
    // One file per branch and per scenario: no two views share a name.
    const models = exampleFiles().map((file) => ({ file, model: modelOf(file) }));
    const branches = models.flatMap(({ file, model }) => model.branches.filter((b) => b.uri === file));
    const scenarios = models.flatMap(({ file, model }) => model.scenarios.filter((s) => s.uri === file));
    expect([...goldens.keys()].filter((n) => n.endsWith('.design.mmd')).length).toBe(branches.length);
    expect([...goldens.keys()].filter((n) => n.endsWith('.mmd') && !n.endsWith('.design.mmd')).length).toBe(scenarios.length);
    expect(branches.length).toBeGreaterThanOrEqual(28);
  });
});
