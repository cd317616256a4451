import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export function codeActions(_ctx: DocumentContext, _range: Range, _diagnostics: Diagnostic[], _only?: string[]): CodeAction[] {
  return [];
}
