import type { CompletionList, Position } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export function completion(_ctx: DocumentContext, _position: Position): CompletionList {
  return { isIncomplete: false, items: [] };
}
