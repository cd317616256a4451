// `surv verify` text output: each violation as `file:line:col: error SURVnnn: message`
// with its ready-to-paste scenario under it, then one line per branch saying what was
// explored and within which bound.
import type { DetailedReport } from '../../engines/verify/index.js';
import type { Sources } from './format-timeline-location.js';
import { terminalLines, terminalText } from './terminal-text.js';

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/**
 * The report of one branch; `fallback` names where a default-located finding goes.
 * The scenario keeps its line breaks (it is pasted back into a file) and loses any other
 * unsafe character; paths, names and messages are single lines.
 */
export function formatBranchReport(report: DetailedReport, sources: Sources, fallback: string): string {
  const out: string[] = [];
  for (const v of report.violations) {
    out.push(`${terminalText(sources.position(v.origin, fallback))}: error ${v.code}: ${terminalText(v.message)}`);
    out.push(terminalLines(v.scenario));
  }
  const found = report.violations.length === 0 ? 'no violation' : plural(report.violations.length, 'violation');
  out.push(`${terminalText(report.branch)}: explored ${plural(report.explored, 'combination')}, ${found}; bound: ${report.bound}`);
  return `${out.join('\n')}\n`;
}

/** `1 violation in 1 of 4 branches; 76 combinations explored in 30 runs` (stderr). */
export function formatVerifyTotals(reports: readonly DetailedReport[]): string {
  const violations = reports.reduce((n, r) => n + r.violations.length, 0);
  const failing = reports.filter((r) => r.violations.length > 0).length;
  const explored = reports.reduce((n, r) => n + r.explored, 0);
  const simulated = reports.reduce((n, r) => n + r.simulated, 0);
  const where = violations === 0 ? `in ${plural(reports.length, 'branch', 'branches')}` : `in ${count(failing)} of ${plural(reports.length, 'branch', 'branches')}`;
  // How many runs it took depends on the simulator's reach, not on the design alone: kept off stdout.
  return `${violations === 0 ? 'no violations' : plural(violations, 'violation')} ${where}; ${plural(explored, 'combination')} explored in ${plural(simulated, 'run')}\n`;
}
