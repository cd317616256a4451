import type { DocumentHighlight, Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

/** A rename the server refuses (invalid or reserved new name); the shell answers it as an LSP error. */
export class RenameError extends Error {}

export function definition(_ctx: DocumentContext, _position: Position): Location[] {
  return [];
}
export function references(_ctx: DocumentContext, _position: Position, _includeDeclaration: boolean): Location[] {
  return [];
}
export function documentHighlights(_ctx: DocumentContext, _position: Position): DocumentHighlight[] {
  return [];
}
export function prepareRename(_ctx: DocumentContext, _position: Position): { range: Range; placeholder: string } | null {
  return null;
}
export function rename(_ctx: DocumentContext, _position: Position, _newName: string): WorkspaceEdit | null {
  return null;
}
