/** Zero-based line and UTF-16 column, as LSP counts them, plus the absolute offset. */
export interface Position {
  readonly line: number;
  readonly character: number;
  readonly offset: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A range inside a named source (a file path or a URI: whatever the caller used). */
export interface Location {
  readonly uri: string;
  readonly range: Range;
}

export const emptyPosition: Position = { line: 0, character: 0, offset: 0 };
export const emptyRange: Range = { start: emptyPosition, end: emptyPosition };

export function comparePositions(a: Position, b: Position): number {
  return a.offset - b.offset;
}
