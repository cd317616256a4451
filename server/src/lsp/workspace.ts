// The set of .surv files the server knows (open documents over files read from
// disk) and the analysis of them as one fleet, recomputed only when something
// changed. Parse results are reused for files whose text did not change.
import { analyze, reparse, resolveUse, type Analysis, type ParseResult } from '../../../grammar/src/index.js';

export interface FileReader {
  /** The text of a file outside the open documents, or undefined when it cannot be read. */
  read(uri: string): string | undefined;
}

export class Workspace {
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, { version: number; text: string }>();
  private readonly parsed = new Map<string, ParseResult>();
  private current: Analysis | undefined;
  private generation = 0;

  constructor(private readonly reader: FileReader) {}

  /** Bumped on every change: a result computed for an older generation is stale. */
  get version(): number {
    return this.generation;
  }

  setDiskFile(uri: string, text: string | undefined): void {
    if (text === undefined) this.disk.delete(uri);
    else this.disk.set(uri, text);
    this.changed();
  }

  openDocument(uri: string, version: number, text: string): void {
    this.open.set(uri, { version, text });
    this.changed();
  }

  closeDocument(uri: string): void {
    this.open.delete(uri);
    this.changed();
  }

  hasDiskFile(uri: string): boolean {
    return this.disk.has(uri);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  documentVersion(uri: string): number | undefined {
    return this.open.get(uri)?.version;
  }

  /** The open documents' URIs. */
  openUris(): string[] {
    return [...this.open.keys()].sort();
  }

  uris(): string[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys()])].sort();
  }

  private changed(): void {
    this.generation++;
    this.current = undefined;
  }

  private text(uri: string): string | undefined {
    return this.open.get(uri)?.text ?? this.disk.get(uri);
  }

  private parseOf(uri: string, text: string): ParseResult {
    const cached = this.parsed.get(uri);
    if (cached && cached.text === text) return cached;
    // An edit inside one branch re-parses that branch only; `reparse` consumes the old result.
    const result = reparse(cached, text, uri);
    this.parsed.set(uri, result);
    return result;
  }

  /** The analysis of every known file, plus the files they `use` (read on demand). */
  analysis(): Analysis {
    if (this.current) return this.current;
    const sources = new Map<string, string>();
    const queue = this.uris();
    while (queue.length > 0) {
      const uri = queue.shift() as string;
      if (sources.has(uri)) continue;
      const text = this.text(uri) ?? this.reader.read(uri);
      if (text === undefined) continue;
      sources.set(uri, text);
      for (const use of this.parseOf(uri, text).ast.uses) {
        if (use.path) queue.push(resolveUse(uri, use.path.text));
      }
    }
    for (const uri of this.parsed.keys()) if (!sources.has(uri)) this.parsed.delete(uri);
    const files = [...sources].map(([uri, text]) => ({ uri, text }));
    this.current = analyze(files, { parsed: this.parsed });
    return this.current;
  }

  /** The parse of one file as the current analysis saw it. */
  file(uri: string): ParseResult | undefined {
    return this.analysis().files.get(uri);
  }
}
