import type { Analysis, ParseResult } from '../../../grammar/src/index.js';

/** What every feature gets: the analysed fleet and the document asked about. */
export interface DocumentContext {
  readonly uri: string;
  readonly file: ParseResult;
  readonly analysis: Analysis;
}
