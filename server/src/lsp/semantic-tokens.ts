import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';

export const semanticTokenLegend: SemanticTokensLegend = { tokenTypes: [], tokenModifiers: [] };

export function semanticTokens(_ctx: DocumentContext): SemanticTokens {
  return { data: [] };
}
