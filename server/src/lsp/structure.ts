import type { FoldingRange, Position, SelectionRange } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export function foldingRanges(_ctx: DocumentContext): FoldingRange[] {
  return [];
}
export function selectionRanges(_ctx: DocumentContext, _positions: Position[]): SelectionRange[] {
  return [];
}
