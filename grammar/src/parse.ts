import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type * as ast from './ast.js';
import type { SurvDiagnostic } from './diagnostic.js';
import { StringLit, tokenize } from './lexer.js';
import { decodeString } from './strings.js';
import { LineIndex } from './line-index.js';
import type { Range } from './location.js';
import { maxSyntaxErrors, survParser, tokenSpan } from './parser.js';

export interface ParseResult {
  readonly uri: string;
  readonly text: string;
  readonly ast: ast.FileNode;
  readonly comments: readonly ast.Comment[];
  /**
   * Every significant token, for semantic tokens and completion. Lexed again on
   * first use: keeping every token of a fleet alive until analysis ends costs more
   * (in garbage collection) than lexing one file again when an editor asks.
   */
  readonly tokens: readonly IToken[];
  /** Lexing and syntax diagnostics only; `analyze` adds the semantic ones. */
  readonly diagnostics: readonly SurvDiagnostic[];
  readonly lines: LineIndex;
}

/** Parses one file. Never throws: bad input gives diagnostics and a partial tree. */
export function parse(text: string, uri = 'untitled.surv'): ParseResult {
  const lines = new LineIndex(text);
  const lexed = tokenize(text);
  survParser.input = lexed.tokens;
  survParser.keywordNames = [];
  survParser.forgiven = [];
  // After an unrecoverable error the rule yields nothing; an empty file keeps the promise.
  const tree: ast.FileNode = survParser.file() ?? { kind: 'File', uses: [], declarations: [], start: 0, end: text.length };
  const diagnostics: SurvDiagnostic[] = [
    ...lexed.errors.map((e) => lexingDiagnostic(e, lines, uri)),
    ...syntaxDiagnostics(survParser.errors, survParser.forgiven, lines, uri),
    ...stringDiagnostics(lexed.tokens, lines, uri),
    ...survParser.keywordNames.map((t): SurvDiagnostic => ({
      code: 'SURV005', severity: 'error', uri, range: lines.range(tokenSpan(t)),
      message: `'${t.image}' is a reserved keyword and cannot be a name`, data: { name: t.image },
    })),
  ];
  const comments = (lexed.groups['comments'] ?? []).map((t) => ({ text: t.image, ...tokenSpan(t) }));
  let tokens: readonly IToken[] | undefined;
  return {
    uri, text, ast: tree, comments, diagnostics, lines,
    get tokens() { return (tokens ??= tokenize(text).tokens); },
  };
}

function lexingDiagnostic(error: ILexingError, lines: LineIndex, uri: string): SurvDiagnostic {
  const range = lines.range({ start: error.offset, end: error.offset + error.length });
  return { code: 'SURV001', severity: 'error', message: error.message, uri, range };
}

/**
 * The parser's errors and the mistakes it forgave, at most maxSyntaxErrors of them, then
 * one saying the rest of the file was not read (the parser stopped there).
 */
function syntaxDiagnostics(errors: readonly IRecognitionException[], forgiven: readonly { span: ast.Span; message: string }[], lines: LineIndex, uri: string): SurvDiagnostic[] {
  const out = [
    ...errors.map((e) => syntaxDiagnostic(e, lines, uri)),
    ...forgiven.map((f): SurvDiagnostic => ({ code: 'SURV002', severity: 'error', uri, range: lines.range(f.span), message: f.message })),
  ];
  if (out.length < maxSyntaxErrors) return out;
  const kept = out.slice(0, maxSyntaxErrors);
  const last = kept.reduce((a, b) => (b.range.start.line > a.range.start.line || (b.range.start.line === a.range.start.line && b.range.start.character > a.range.start.character) ? b : a));
  kept.push({ code: 'SURV002', severity: 'error', uri, range: last.range, message: `more than ${maxSyntaxErrors} syntax errors: the rest of the file is not read` });
  return kept;
}

function syntaxDiagnostic(error: IRecognitionException, lines: LineIndex, uri: string): SurvDiagnostic {
  return { code: 'SURV002', severity: 'error', message: error.message, uri, range: errorRange(error.token, (error as { previousToken?: IToken }).previousToken, lines) };
}

function errorRange(token: IToken, previous: IToken | undefined, lines: LineIndex): Range {
  if (!Number.isNaN(token.startOffset) && token.image !== '') return lines.range(tokenSpan(token));
  // At the end of input (or on an inserted token) point just after the last real token.
  const at = previous && !Number.isNaN(previous.startOffset) ? tokenSpan(previous).end : Number.MAX_SAFE_INTEGER;
  return lines.range({ start: at, end: at });
}

/** Unterminated strings and unknown escapes: the lexer accepts both so parsing goes on. */
function stringDiagnostics(tokens: readonly IToken[], lines: LineIndex, uri: string): SurvDiagnostic[] {
  const out: SurvDiagnostic[] = [];
  for (const token of tokens) {
    // Most strings are plain and closed: skip decoding them a second time.
    if (token.tokenType !== StringLit || (!token.image.includes('\\') && token.image.length > 1 && token.image.endsWith('"'))) continue;
    const decoded = decodeString(token.image, token.startOffset);
    if (!decoded.terminated) {
      out.push({ code: 'SURV003', severity: 'error', message: 'unterminated string: add the closing quote', uri, range: lines.range(tokenSpan(token)) });
    }
    for (const bad of decoded.badEscapes) {
      out.push({
        code: 'SURV003', severity: 'error', uri, range: lines.range(bad),
        message: `unknown escape '${token.image.slice(bad.start - token.startOffset, bad.end - token.startOffset)}': use \\" \\\\ \\n \\r or \\t`,
      });
    }
  }
  return out;
}
