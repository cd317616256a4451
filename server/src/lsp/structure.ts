// Folding ranges (blocks and comment runs) and selection ranges (token, statement,
// block, declaration, file), from the parse result alone.
import type { IToken } from 'chevrotain';
import { FoldingRangeKind, type FoldingRange, type Position, type SelectionRange } from 'vscode-languageserver-types';
import type { ast, ParseResult } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, positionAt, spanToRange } from './convert.js';

const openers: Record<string, string> = { LCurly: 'RCurly', LBracket: 'RBracket' };
const closers = new Set(Object.values(openers));

interface Pair {
  readonly open: IToken;
  readonly close: IToken;
}

/** Matching `{ }` and `[ ]` pairs; an unmatched bracket (a syntax error) pairs with nothing. */
function bracketPairs(file: ParseResult): Pair[] {
  const pairs: Pair[] = [];
  const stack: IToken[] = [];
  for (const token of file.tokens) {
    const name = token.tokenType.name;
    if (openers[name]) {
      stack.push(token);
    } else if (closers.has(name)) {
      // Close the nearest opener of the same kind; openers above it were never closed.
      for (let i = stack.length - 1; i >= 0; i--) {
        const open = stack[i] as IToken;
        if (openers[open.tokenType.name] === name) {
          pairs.push({ open, close: token });
          stack.length = i;
          break;
        }
      }
    }
  }
  return pairs;
}

/**
 * Every block whose braces (or brackets) are on different lines, and every run of
 * two or more whole-line comments. A block folds up to the line before its closing
 * brace when the brace starts its line, so the `}` stays visible.
 */
export function foldingRanges(ctx: DocumentContext): FoldingRange[] {
  const file = ctx.file;
  const out: FoldingRange[] = [];
  for (const { open, close } of bracketPairs(file)) {
    const startLine = positionAt(file, open.startOffset).line;
    const closeAt = positionAt(file, close.startOffset);
    const braceFirstOnLine = file.text.slice(close.startOffset - closeAt.character, close.startOffset).trim() === '';
    const endLine = braceFirstOnLine ? closeAt.line - 1 : closeAt.line;
    if (endLine > startLine) out.push({ startLine, endLine });
  }
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const comment of file.comments) {
    const at = positionAt(file, comment.start);
    const wholeLine = file.text.slice(comment.start - at.character, comment.start).trim() === '';
    if (!wholeLine) {
      flush();
      continue;
    }
    if (run && at.line === run.end + 1) run.end = at.line;
    else {
      flush();
      run = { start: at.line, end: at.line };
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Every node of the AST on the way down to `span`, outermost first. */
function nodesAround(root: ast.FileNode, span: ast.Span): ast.Span[] {
  const out: ast.Span[] = [];
  const holds = (s: ast.Span) => s.start <= span.start && span.end <= s.end && s.end > s.start;
  const visit = (value: unknown, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const node = value as Partial<ast.Span> & Record<string, unknown>;
    if (typeof node.start === 'number' && typeof node.end === 'number') {
      if (!holds(node as ast.Span)) return;
      out.push({ start: node.start, end: node.end });
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'badEscapes') visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

/**
 * For each position: the token under it, then every enclosing AST node and
 * `{ }` block (property or statement, block, setting, declaration), then the
 * whole file. Each range strictly contains the one before.
 */
export function selectionRanges(ctx: DocumentContext, positions: Position[]): SelectionRange[] {
  const file = ctx.file;
  const tokens = file.tokens;
  const pairs = bracketPairs(file);
  return positions.map((position) => {
    const offset = offsetAt(file, position);
    const token = tokenAt(tokens, offset) ?? commentAt(file.comments, offset);
    const inner: ast.Span = token ?? { start: offset, end: offset };
    // Between tokens the chain starts at the innermost node around the cursor.
    const spans: ast.Span[] = [...(token ? [token] : []), ...nodesAround(file.ast, inner)];
    for (const { open, close } of pairs) {
      const span = { start: open.startOffset, end: close.startOffset + close.image.length };
      if (span.start <= inner.start && inner.end <= span.end) spans.push(span);
    }
    spans.push({ start: 0, end: file.text.length });
    // Smallest first; a range that does not grow (or does not hold the previous one) is dropped.
    spans.sort((a, b) => a.end - a.start - (b.end - b.start) || b.start - a.start);
    const chain: ast.Span[] = [];
    for (const span of spans) {
      const last = chain[chain.length - 1];
      if (last && !(span.start <= last.start && last.end <= span.end && span.end - span.start > last.end - last.start)) continue;
      chain.push(span);
    }
    let result: SelectionRange | undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      result = { range: spanToRange(file, chain[i] as ast.Span), ...(result ? { parent: result } : {}) };
    }
    return result ?? { range: spanToRange(file, { start: offset, end: offset }) };
  });
}

/** The token holding `offset`, else the one ending there (a cursor just after a word). */
function tokenAt(tokens: readonly IToken[], offset: number): ast.Span | undefined {
  let low = 0;
  let high = tokens.length - 1;
  let before: IToken | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const token = tokens[mid] as IToken;
    if (token.startOffset > offset) high = mid - 1;
    else {
      before = token;
      low = mid + 1;
    }
  }
  if (!before) return undefined;
  const end = before.startOffset + before.image.length;
  return offset <= end ? { start: before.startOffset, end } : undefined;
}

function commentAt(comments: readonly ast.Comment[], offset: number): ast.Span | undefined {
  const found = comments.find((c) => c.start <= offset && offset <= c.end);
  return found ? { start: found.start, end: found.end } : undefined;
}
