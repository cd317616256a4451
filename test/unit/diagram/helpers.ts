// Shared by the diagram tests: the shipped examples' diagrams, and reading Mermaid source.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze, resolveUse, type Model } from '../../../grammar/src/index.js';
import { diagramsFor, type DiagramView } from '../../../engines/diagram/index.js';
import { root } from '../../support/built.js';

export { root };

/** Every shipped example: each .surv file under examples/ but broken/ (a profile-only file draws nothing). */
export function exampleFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(resolve(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && path !== 'examples/broken') walk(path);
      else if (entry.name.endsWith('.surv')) found.push(path);
    }
  };
  walk('examples');
  return found.sort();
}

/** The model of `file` and the files it `use`s, as the CLI loads them. */
export function modelOf(file: string): Model {
  const sources = [{ uri: file, text: readFileSync(resolve(root, file), 'utf8') }];
  for (const m of sources[0]!.text.matchAll(/^use "([^"]+)"/gm)) {
    const uri = resolveUse(file, m[1]!);
    sources.push({ uri, text: readFileSync(resolve(root, uri), 'utf8') });
  }
  const analysis = analyze(sources, { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join('; ')}`);
  return analysis.model;
}

export function viewsOf(file: string, autonumber = false): DiagramView[] {
  return diagramsFor(modelOf(file), { uri: file, autonumber });
}

export function viewOf(file: string, id: string): DiagramView {
  const view = viewsOf(file).find((v) => v.id === id);
  if (!view) throw new Error(`no view ${id} in ${file}`);
  return view;
}

/** The source's lines, trimmed. */
export function linesOf(mermaid: string): string[] {
  return mermaid.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** Message arrow lines: `FROM ARROW TO: LABEL`. */
export const ARROW_LINE = /^([A-Za-z][A-Za-z0-9_]*)(->>|-->>|-\)|--\)|-x|--x)([A-Za-z][A-Za-z0-9_]*): (.*)$/;

export function arrowsOf(mermaid: string): string[] {
  return linesOf(mermaid).filter((l) => ARROW_LINE.test(l));
}

export function participantsOf(mermaid: string): string[] {
  return linesOf(mermaid).filter((l) => l.startsWith('participant '));
}

/** A label as escape.ts writes it: safe characters and `#N;` entity codes only. */
const LABEL = String.raw`(?:[\p{L}\p{M}\p{N} .,_@/()!?*+='[\]~^|\-↻→←✗·–…↵]|#\d+;)+`;
const ID = '[A-Za-z][A-Za-z0-9_]*';

/** Every statement form surv writes; a line matching none of them is a bug (or an injection). */
const STATEMENTS = [
  /^sequenceDiagram$/,
  /^autonumber$/,
  /^end$/,
  /^rect rgba\(255, 170, 0, 0\.14\)$/,
  new RegExp(`^title ${LABEL}$`, 'u'),
  new RegExp(`^participant ${ID} as ${LABEL}(?:<br/>${LABEL})*$`, 'u'),
  new RegExp(`^${ID}(?:->>|-->>|-\\)|--\\)|-x|--x)${ID}: ${LABEL}$`, 'u'),
  new RegExp(`^Note over ${ID}(?:,${ID})?: ${LABEL}(?:<br/>${LABEL})*$`, 'u'),
  new RegExp(`^(?:alt|else|opt|par|and|critical|option|loop) ${LABEL}$`, 'u'),
];

/** The lines of `mermaid` that are not one of surv's statement forms. */
export function strayLines(mermaid: string): string[] {
  return mermaid.replace(/\n$/, '').split('\n').filter((line) => !STATEMENTS.some((re) => re.test(line.trim())) || line !== line.trimEnd());
}
