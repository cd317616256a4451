import type { InlayHint, Range } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export function inlayHints(_ctx: DocumentContext, _range: Range): InlayHint[] {
  return [];
}
