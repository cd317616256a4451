// What a loader hands the core: a file's text, or why it was not read. Its own module so
// the model (which reports unread files) and analyze (which takes them) share it
// without importing each other.

export interface SourceFile {
  readonly uri: string;
  readonly text: string;
  /** Set by a loader that refused to read the file (io/files): `text` is then empty. */
  readonly unread?: UnreadFile;
}

/**
 * Why a loader did not read a file. Each `use` of it reports `code` at the path
 * (`cannot use 'PATH': REASON`); a file the loader was asked to read (`named`: found by
 * a folder walk) also reports `not read: REASON` at its start, so it has a location.
 */
export interface UnreadFile {
  readonly code: string;
  readonly reason: string;
  readonly named: boolean;
}
