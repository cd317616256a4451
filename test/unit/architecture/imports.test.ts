// Architecture Invariant (docs/architecture.md): no import circles, type-only imports
// included, in any source folder. The layering itself is held by ESLint
// (eslint.config.js); a circle inside one folder is what lint rules cannot see.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../../support/built.js';

const sourceFolders = ['grammar/src', 'engines', 'io', 'cli/src', 'server/src', 'protocol/src', 'client/src', 'client/media'];

function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  if (existsSync(join(root, folder))) walk(join(root, folder));
  return out;
}

/** Every relative `import ... from` / `export ... from` of each file, resolved to a file. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const statement = /^\s*(?:import|export)\b[^;]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const file of files) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(statement)) {
      let target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
      if (!existsSync(target) && existsSync(join(target.replace(/\.ts$/, ''), 'index.ts'))) target = join(target.replace(/\.ts$/, ''), 'index.ts');
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(root, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('imports', () => {
  const files = sourceFolders.flatMap(sources);

  it('reads every source folder', () => {
    expect(files.length).toBeGreaterThan(140);
    for (const folder of sourceFolders) expect(files.some((f) => relative(root, f).startsWith(`${folder}/`)), folder).toBe(true);
  });

  it('has no import circles, type-only imports included', () => {
    expect(circles(importGraph(files))).toEqual([]);
  });

  it('the check can fail: a circle made on purpose is found', () => {
    const a = join(root, 'engines/simulate/engine.ts');
    const b = join(root, 'engines/simulate/host.ts');
    const graph = importGraph(files);
    graph.set(b, [...(graph.get(b) ?? []), a]);
    expect(circles(graph)).toEqual([expect.arrayContaining(['engines/simulate/engine.ts', 'engines/simulate/host.ts'])]);
  });
});
