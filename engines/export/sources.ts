// Turns a model Origin into `file:line` and the source line itself, for the comments
// that tell the reader of kamailio.cfg which part of the .surv design made each part.
import { posix } from 'node:path';
import type { Origin, Position } from '../../grammar/src/index.js';
import { commentText } from './escape.js';

/** What the exporter needs of an analysed file. */
export interface SourceText {
  readonly text: string;
  readonly lines: { position(offset: number): Position };
}

export class Sources {
  /**
   * `root`: file names in comments are relative to it (the folder of the exported
   * file, or the exported fleet folder), so the bundle does not depend on the
   * directory surv was run from.
   */
  constructor(private readonly files: ReadonlyMap<string, SourceText>, private readonly root: string) {}

  /** The file's name as written into the bundle. */
  name(uri: string): string {
    const relative = posix.relative(this.root, uri);
    return relative === '' || relative.startsWith('..') ? posix.basename(uri) : relative;
  }

  /** `bilbao.surv:37`, or `default` for a value surv filled in. */
  where(origin: Origin | undefined): string {
    if (!origin || origin.kind !== 'source') return 'default';
    const file = this.files.get(origin.uri);
    const line = file ? file.lines.position(origin.start).line + 1 : 0;
    return `${commentText(this.name(origin.uri), 60)}:${line}`;
  }

  /** `bilbao.surv:37: outbound from lan via cloud {`: where, and the first source line. */
  describe(origin: Origin | undefined): string {
    if (!origin || origin.kind !== 'source') return 'surv default';
    const file = this.files.get(origin.uri);
    if (!file) return this.where(origin);
    const start = file.lines.position(origin.start);
    const lineStart = origin.start - start.character;
    const end = file.text.indexOf('\n', origin.start);
    const text = file.text.slice(lineStart, end === -1 ? file.text.length : end);
    return `${this.where(origin)}: ${commentText(text, 90)}`;
  }

  /** The text of a file, for hashing. */
  text(uri: string): string | undefined {
    return this.files.get(uri)?.text;
  }
}
