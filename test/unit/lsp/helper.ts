// Shared by the language-service unit tests: a document with a `<|>` cursor marker
// (and optionally other files), analysed as one fleet, as the server would.
import type { Position } from 'vscode-languageserver-types';
import { analyze } from '../../../grammar/src/index.js';
import type { DocumentContext } from '../../../server/src/lsp/context.js';

export const cursor = '<|>';

export interface Prepared {
  readonly ctx: DocumentContext;
  /** Where `<|>` stood (the marker is removed from the text). */
  readonly position: Position;
  readonly text: string;
}

/** `text` may hold one `<|>`; `others` are more files of the same fleet by URI. */
export function prepare(text: string, others: Record<string, string> = {}, uri = 'file:///ws/main.surv'): Prepared {
  const at = text.indexOf(cursor);
  const clean = at >= 0 ? text.slice(0, at) + text.slice(at + cursor.length) : text;
  const analysis = analyze([{ uri, text: clean }, ...Object.entries(others).map(([u, t]) => ({ uri: u, text: t }))]);
  const file = analysis.files.get(uri);
  if (!file) throw new Error('the main file was not analysed');
  const position = file.lines.position(Math.max(0, at));
  return { ctx: { uri, file, analysis }, position: { line: position.line, character: position.character }, text: clean };
}
