// Between the core's offsets/ranges and LSP's positions: one place, so every
// feature converts the same way.
import type { Location as SurvLocation, ParseResult, Range as SurvRange, SurvDiagnostic } from '../../../grammar/src/index.js';
import {
  DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Location, type Position, type Range,
} from 'vscode-languageserver-types';

export function toRange(range: SurvRange): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}

export function spanToRange(file: ParseResult, span: { readonly start: number; readonly end: number }): Range {
  return toRange(file.lines.range(span));
}

export function offsetAt(file: ParseResult, position: Position): number {
  return file.lines.offset(position.line, position.character);
}

export function positionAt(file: ParseResult, offset: number): Position {
  const p = file.lines.position(offset);
  return { line: p.line, character: p.character };
}

export function toLocation(location: SurvLocation): Location {
  return { uri: location.uri, range: toRange(location.range) };
}

const severities = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

export function toDiagnostic(d: SurvDiagnostic): Diagnostic {
  return {
    range: toRange(d.range),
    severity: severities[d.severity],
    code: d.code,
    source: 'surv',
    message: d.message,
    ...(d.related ? { relatedInformation: d.related.map((r) => DiagnosticRelatedInformation.create(toLocation(r.location), r.message)) } : {}),
    ...(d.tags?.includes('unnecessary') ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    // The core's quick-fix facts travel with the diagnostic, so code actions need no re-analysis.
    data: { ...(d.data ?? {}), code: d.code },
  };
}
