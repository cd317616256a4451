import type { Range } from '../../grammar/src/index.js';

/** A range as people and tools outside LSP count: lines and columns from 1. */
export interface OneBasedRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  /** The column just after the last character, as SARIF's `endColumn`. */
  readonly endColumn: number;
}

/** The core counts from 0 (LSP); every CLI output format counts from 1. */
export function oneBased(range: Range): OneBasedRange {
  return {
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}
