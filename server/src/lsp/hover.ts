import type { Hover, Position } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export function hover(_ctx: DocumentContext, _position: Position): Hover | null {
  return null;
}
