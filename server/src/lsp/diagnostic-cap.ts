// The language server publishes at most `maxDiagnostics` diagnostics per document: a
// garbage file of 40 MB gave a million findings in one 221 MB notification, which no
// editor can use and which cost seconds a keystroke to build and send. The rest is
// summed up in one SURV009 entry at the start of the file. `surv check` prints all.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';

export const maxDiagnostics = 1_000;

/** The first `max` diagnostics (in the core's order), then SURV009 "N more diagnostics not shown" when some were left out. */
export function capDiagnostics(diagnostics: readonly Diagnostic[], max = maxDiagnostics): Diagnostic[] {
  if (diagnostics.length <= max) return [...diagnostics];
  const left = diagnostics.length - max;
  return [...diagnostics.slice(0, max), {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'SURV009',
    source: 'surv',
    message: `${left} more diagnostic${left === 1 ? '' : 's'} not shown (the editor shows the first ${max}; surv check lists them all)`,
  }];
}
