import type { DocumentSymbol, WorkspaceSymbol } from 'vscode-languageserver-types';
import type { Analysis } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';

export function documentSymbols(_ctx: DocumentContext): DocumentSymbol[] {
  return [];
}
export function workspaceSymbols(_analysis: Analysis, _query: string): WorkspaceSymbol[] {
  return [];
}
