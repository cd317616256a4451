import type { SurvDiagnostic } from './diagnostic.js';

/** Total order for diagnostics, so every output is the same byte for byte. */
export function compareDiagnostics(a: SurvDiagnostic, b: SurvDiagnostic): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.range.start.offset - b.range.start.offset
    || a.range.end.offset - b.range.end.offset
    || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
    || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
