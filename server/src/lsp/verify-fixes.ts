// The quick fix of a `surv verify` warning: append the scenario that reproduces it to
// the file declaring the branch, so the violation becomes a test that stays.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import type { Analysis } from '../../../grammar/src/index.js';
import { spanToRange } from './convert.js';
import { verifySource } from './verify-on-save.js';

export const addScenarioTitle = 'Add this scenario to the file';

function wanted(only: readonly string[] | undefined): boolean {
  return !only || only.length === 0 || only.some((o) => CodeActionKind.QuickFix === o || CodeActionKind.QuickFix.startsWith(`${o}.`));
}

/** The scenario text and target file a verify diagnostic carries, if it is one. */
function carried(d: Diagnostic): { file: string; scenario: string } | undefined {
  if (d.source !== verifySource) return undefined;
  const data = (d.data ?? {}) as Record<string, unknown>;
  const file = data['file'];
  const scenario = data['scenario'];
  return typeof file === 'string' && typeof scenario === 'string' && scenario.trim() !== '' ? { file, scenario } : undefined;
}

export function verifyQuickFixes(analysis: Analysis, diagnostics: readonly Diagnostic[], only?: readonly string[]): CodeAction[] {
  if (!wanted(only)) return [];
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = carried(d);
    const file = fix ? analysis.files.get(fix.file) : undefined;
    if (!fix || !file) continue;
    const block = fix.scenario.trim();
    // Already added (an earlier fix, or written by hand): nothing to offer.
    if (file.text.includes(block)) continue;
    const end = spanToRange(file, { start: file.text.length, end: file.text.length });
    const gap = file.text === '' ? '' : file.text.endsWith('\n\n') ? '' : file.text.endsWith('\n') ? '\n' : '\n\n';
    out.push({
      title: addScenarioTitle,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: { changes: { [fix.file]: [{ range: end, newText: `${gap}${block}\n` }] } },
    });
  }
  return out;
}
