// Golden files: the checker's exact output for each examples/broken/NAME.surv is kept
// in examples/broken/NAME.expected.txt, one line per diagnostic:
//
//   NAME.surv:LINE:COL: SEVERITY SURVnnn: MESSAGE
//
// (1-based line and column, in the order analyze returns them; each file is analysed
// alone, with its basename as uri). The comparison is exact.
//
// To update the goldens after an intended change of the checker's output, run
//
//   node scripts/update-goldens.mjs
//
// which is the same as `UPDATE_GOLDENS=1 npx vitest run --project unit test/unit/golden/golden.test.ts`:
// with UPDATE_GOLDENS=1 this test rewrites the .expected.txt files instead of
// comparing. Then review the diff (git diff examples/broken) against the header
// comment of each .surv file before committing it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type SurvDiagnostic } from '../../../grammar/src/index.js';
import { brokenFiles, read, root } from '../parser/helpers.js';

const UPDATE = process.env['UPDATE_GOLDENS'] === '1';

function formatDiagnostic(d: SurvDiagnostic): string {
  return `${d.uri}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;
}

/** The golden text of one broken example: its diagnostics, one per line, newline-terminated. */
function goldenOf(file: string): string {
  const uri = basename(file);
  const lines = analyze([{ uri, text: read(file) }]).diagnostics.map(formatDiagnostic);
  return lines.map((line) => `${line}\n`).join('');
}

const expectedPath = (file: string) => root(file.replace(/\.surv$/, '.expected.txt'));

describe('golden diagnostics of examples/broken', () => {
  it.each(brokenFiles())('%s', (file) => {
    const actual = goldenOf(file);
    const path = expectedPath(file);
    if (UPDATE) {
      writeFileSync(path, actual);
      return;
    }
    if (!existsSync(path)) expect.fail(`${path} is missing: run node scripts/update-goldens.mjs`);
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });

  it('every broken example has diagnostics, and every golden has its example', () => {
    for (const file of brokenFiles()) expect(goldenOf(file), file).not.toBe('');
    const goldens = readdirSync(root('examples/broken')).filter((f) => f.endsWith('.expected.txt'));
    const sources = new Set(brokenFiles().map((f) => basename(f, '.surv')));
    expect(goldens.filter((g) => !sources.has(g.replace(/\.expected\.txt$/, '')))).toEqual([]);
  });
});
