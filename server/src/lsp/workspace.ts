// The set of .surv files the server knows (open documents over files read from
// disk) and the analysis of them as one fleet, recomputed only when something
// changed. Parse results are reused for files whose text did not change. `use`
// targets are read through the one loader (io/files), under its rules.
import { fileURLToPath } from 'node:url';
import { analyze, reparse, type Analysis, type ParseResult, type SourceFile } from '../../../grammar/src/index.js';
import { followUses } from '../../../io/files/load.js';
import { Budget } from '../../../io/files/read.js';

export interface WorkspaceRoots {
  /** Real paths of the folders `use` may read from. */
  roots(): readonly string[];
}

/** The file-system path of a `file:` URI, or undefined for any other URI. */
export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class Workspace {
  /** Files of the workspace folders as last read (a refused one is an `unread` source). */
  private readonly disk = new Map<string, SourceFile>();
  private readonly open = new Map<string, { version: number; text: string }>();
  private readonly parsed = new Map<string, ParseResult>();
  private current: Analysis | undefined;
  private generation = 0;

  constructor(private readonly host: WorkspaceRoots) {}

  /** Bumped on every change: a result computed for an older generation is stale. */
  get version(): number {
    return this.generation;
  }

  setDiskFile(uri: string, file: SourceFile | undefined): void {
    if (file === undefined) this.disk.delete(uri);
    else this.disk.set(uri, file);
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

  /** The editor's text of a document, else the text read from disk; undefined for a file not read. */
  textOf(uri: string): string | undefined {
    const open = this.open.get(uri);
    if (open) return open.text;
    const file = this.disk.get(uri);
    return file && !file.unread ? file.text : undefined;
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
    const named = this.uris().flatMap((uri): SourceFile[] => {
      const open = this.open.get(uri);
      // A didOpen without text (a broken client) leaves nothing to check.
      if (open) return typeof (open.text as unknown) === 'string' ? [{ uri, text: open.text }] : [];
      const file = this.disk.get(uri);
      return file ? [file] : [];
    });
    const loaded = followUses(named, {
      roots: this.host.roots(),
      budget: new Budget(),
      pathOf: uriToPath,
      held: (uri) => this.open.get(uri)?.text,
      parse: (uri, text) => this.parseOf(uri, text),
    });
    for (const uri of this.parsed.keys()) if (!loaded.parsed.has(uri)) this.parsed.delete(uri);
    this.current = analyze(loaded.sources, { parsed: this.parsed });
    return this.current;
  }

  /** The parse of one file as the current analysis saw it. */
  file(uri: string): ParseResult | undefined {
    return this.analysis().files.get(uri);
  }
}
