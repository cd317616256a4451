// The human and problem-matcher format: `path:line:col: severity SURVnnn: message`.
import type { Severity, SurvDiagnostic } from '../../grammar/src/index.js';
import { oneBased } from './positions.js';
import { terminalText } from './terminal-text.js';

/**
 * The word printed for a severity. VS Code problem matchers and most editors know
 * `error`, `warning` and `info`, so `information` is shortened.
 */
const severityWord: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' };

/**
 * One line per diagnostic, related information indented under it; '' when there is none.
 * Paths and messages pass `terminalText`: a file name holding a line break cannot forge
 * a finding of its own.
 */
export function formatText(diagnostics: readonly SurvDiagnostic[]): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const at = oneBased(d.range);
    lines.push(`${terminalText(d.uri)}:${at.line}:${at.column}: ${severityWord[d.severity]} ${d.code}: ${terminalText(d.message)}`);
    for (const r of d.related ?? []) {
      const rel = oneBased(r.location.range);
      lines.push(`  ${terminalText(r.location.uri)}:${rel.line}:${rel.column}: note: ${terminalText(r.message)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** `2 errors, 1 warning in 3 files`, or `no problems in 3 files`. */
export function formatSummary(diagnostics: readonly SurvDiagnostic[], fileCount: number): string {
  const count = (severities: readonly Severity[]) => diagnostics.filter((d) => severities.includes(d.severity)).length;
  const parts = [
    plural(count(['error']), 'error'),
    plural(count(['warning']), 'warning'),
    plural(count(['information', 'hint']), 'info', 'infos'),
  ].filter((part): part is string => part !== undefined);
  const files = `${fileCount} ${fileCount === 1 ? 'file' : 'files'}`;
  return `${parts.length > 0 ? parts.join(', ') : 'no problems'} in ${files}\n`;
}

function plural(n: number, one: string, many = `${one}s`): string | undefined {
  return n === 0 ? undefined : `${n} ${n === 1 ? one : many}`;
}
