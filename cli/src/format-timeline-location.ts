// Turns an engine's Origin (offsets into a source) into `file:line:col`, as every CLI
// output counts: lines and columns from 1, columns in UTF-16 code units like the core's.
import type { Origin, SourceFile } from '../../grammar/src/index.js';

export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class Sources {
  private readonly texts: ReadonlyMap<string, string>;
  private readonly starts = new Map<string, number[]>();

  constructor(sources: readonly SourceFile[]) {
    this.texts = new Map(sources.map((s) => [s.uri, s.text]));
  }

  private lineStarts(uri: string, text: string): number[] {
    let starts = this.starts.get(uri);
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts.set(uri, starts);
    }
    return starts;
  }

  /** Where an origin is, or undefined for a default (or a file not loaded). */
  locate(origin: Origin): Located | undefined {
    if (origin.kind !== 'source') return undefined;
    const text = this.texts.get(origin.uri);
    if (text === undefined) return undefined;
    const starts = this.lineStarts(origin.uri, text);
    const offset = Math.max(0, Math.min(origin.start, text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: origin.uri, line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** `file:line:col`, or `file` alone for a default. */
  position(origin: Origin, fallback: string): string {
    const at = this.locate(origin);
    return at ? `${at.file}:${at.line}:${at.column}` : fallback;
  }

  /** The source text an origin spans, on one line. */
  text(origin: Origin): string {
    if (origin.kind !== 'source') return '';
    return (this.texts.get(origin.uri) ?? '').slice(origin.start, origin.end).replace(/\s+/g, ' ').trim();
  }
}
