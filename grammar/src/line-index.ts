import type { Span } from './ast.js';
import type { Position, Range } from './location.js';

/** Turns offsets into zero-based line/column positions; built once per text, on first use. */
export class LineIndex {
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (starts[low] as number), offset: clamped };
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** The offset of a zero-based line/column (clamped to the text). */
  offset(line: number, character: number): number {
    const starts = this.starts();
    if (line < 0) return 0;
    if (line >= starts.length) return this.text.length;
    const lineEnd = line + 1 < starts.length ? (starts[line + 1] as number) - 1 : this.text.length;
    return Math.min((starts[line] as number) + Math.max(0, character), lineEnd);
  }
}
