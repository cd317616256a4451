// A stable machine format for scripts. Bump `version` on any incompatible change.
import type { DiagnosticData, Severity, SurvDiagnostic } from '../../grammar/src/index.js';
import { oneBased, type OneBasedRange } from './positions.js';

export interface JsonRelated extends OneBasedRange {
  readonly file: string;
  readonly message: string;
}

export interface JsonDiagnostic extends OneBasedRange {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly related?: readonly JsonRelated[];
  readonly data?: DiagnosticData;
}

export interface JsonReport {
  readonly version: 1;
  /** Every file checked, named ones first, then those reached through `use`. */
  readonly files: readonly string[];
  readonly diagnostics: readonly JsonDiagnostic[];
}

export function toJsonReport(diagnostics: readonly SurvDiagnostic[], files: readonly string[]): JsonReport {
  return {
    version: 1,
    files: [...files],
    diagnostics: diagnostics.map((d): JsonDiagnostic => {
      // Keys are spelled out one by one so their order in the output never depends on the core's objects.
      const at = oneBased(d.range);
      const related = d.related?.map((r): JsonRelated => {
        const rel = oneBased(r.location.range);
        return { file: r.location.uri, line: rel.line, column: rel.column, endLine: rel.endLine, endColumn: rel.endColumn, message: r.message };
      });
      return {
        code: d.code, severity: d.severity, message: d.message, file: d.uri,
        line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn,
        ...(related && related.length > 0 ? { related } : {}),
        ...(d.data ? { data: d.data } : {}),
      };
    }),
  };
}

export function formatJson(diagnostics: readonly SurvDiagnostic[], files: readonly string[]): string {
  return `${JSON.stringify(toJsonReport(diagnostics, files), null, 2)}\n`;
}
