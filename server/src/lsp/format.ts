import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import type { ParseResult } from '../../../grammar/src/index.js';

export function format(_file: ParseResult, _options: FormattingOptions, _range?: Range): TextEdit[] {
  return [];
}
