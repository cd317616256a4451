// The public API of the language core. Everything outside grammar/ imports from here.
export type { Position, Range, Location } from './location.js';
export type { Severity, SurvDiagnostic, RelatedInformation, DiagnosticData } from './diagnostic.js';
export { parse, type ParseResult } from './parse.js';
export { reparse } from './reparse.js';
export { analyze, type Analysis, type SourceFile, type UnreadFile } from './analyze.js';
export { resolveUse } from './uris.js';
export { compareDiagnostics } from './sort.js';
export * as ast from './ast.js';
export type * from './model/types.js';
export type { SymbolIndex, SymbolOccurrence, SurvSymbol, SymbolKind } from './model/symbols.js';
export { keywordWords, type KeywordWord } from './lexer.js';
export * as catalogue from './catalogue.js';
export { defaults, defaultChannels } from './model/defaults.js';
export { worstPostDialDelayMs, silentUpstreamTimer, formatMs } from './validate/branch.js';
export { patternFits, patternText } from './model/numbers.js';
