// Document and range formatting.
//
// The canonical layout (docs/language.md writes its examples this way):
//   - one statement per line in a file, branch, profile, scenario and outbound policy,
//     indented one level (`tabSize` spaces, or a tab) per enclosing block;
//   - leaf blocks (gateway, upstream, timers, register, limits, rewrite, on timeout, inbound)
//     keep the writer's choice: written with `{` and `}` on one line, without a comment
//     inside, and fitting in 100 columns, a block stays on one line as
//     `{ a 1  b 2 }` (two spaces between statements); otherwise it gets one statement
//     per line. An empty block is `{ }`;
//   - single spaces between tokens; `, ` in lists; no space before `,` or `]`, none
//     after `[`;
//   - comments are kept: a comment on its own line is re-indented to the statement it
//     precedes (or the block's body before a `}`), a comment after code stays after it,
//     two spaces away; a comment in the middle of a statement breaks the statement, which
//     goes on one level deeper;
//   - a blank line is kept where there was at least one (never right after `{` or
//     before `}`), never two in a row; no trailing whitespace; one newline at the end.
//
// The formatter only ever changes whitespace: the result is lexed again and compared
// token by token (and comment by comment) with the input, and any difference, or any
// lexing or syntax error in the input, makes it return no edits at all.
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import { parse, type ast, type ParseResult } from '../../../grammar/src/index.js';
import { offsetAt, spanToRange } from './convert.js';

/** The widest a one-line block may make its line. */
export const maxLineWidth = 100;

/** Diagnostics of a text the formatter must not touch. */
const syntaxCodes = new Set(['SURV001', 'SURV002', 'SURV003']);

interface LayoutNode {
  readonly start: number;
  readonly block?: { readonly multi: boolean; readonly children: readonly LayoutNode[] };
}

interface BlockInfo {
  readonly open: number;
  readonly close: number;
  readonly depth: number;
  /** Written on one line without comments inside: may stay on one line. */
  readonly candidate: boolean;
  readonly empty: boolean;
  oneLine: boolean;
}

interface StatementStart {
  readonly depth: number;
  readonly parent: BlockInfo | undefined;
}

type Element =
  | { readonly kind: 'token'; readonly index: number; readonly start: number; readonly end: number; readonly text: string }
  | { readonly kind: 'comment'; readonly start: number; readonly end: number; readonly text: string };

const leaf = (node: ast.Span): LayoutNode => ({ start: node.start });
const block = (node: ast.Span, multi: boolean, children: readonly LayoutNode[]): LayoutNode => ({ start: node.start, block: { multi, children } });

/** Keys that continue the statement of the property before them (`probe options every 15s`, `forward x with path`). */
const continuationKeys = new Set<ast.PropertyKey>([
  'probe-every', 'probe-timeout', 'probe-down-after', 'probe-up-after', 'probe-holdoff', 'with-path', 'per-source-window', 'outside-window',
]);

function propertyStatements(properties: readonly ast.Property[]): LayoutNode[] {
  return properties.filter((p, i) => i === 0 || !continuationKeys.has(p.key)).map(leaf);
}

const rewriteLayout = (r: ast.RewriteNode): LayoutNode => block(r, false, propertyStatements(r.properties));

function settingLayout(s: ast.Setting): LayoutNode {
  switch (s.kind) {
    case 'Gateway':
      // Properties, `rewrite` blocks and `caller-id` lines, in written order.
      return block(s, false, [...propertyStatements(s.properties), ...s.rewrites.map(rewriteLayout), ...s.callerIds.map(leaf)].sort((a, b) => a.start - b.start));
    case 'Upstream': case 'Timers': case 'Register': case 'Limits': case 'Tls': case 'Router':
      return block(s, false, propertyStatements(s.properties));
    case 'Outbound':
      return block(s, true, s.items.map((item) => {
        if (item.kind === 'OnTimeout') return block(item, false, item.actions.map(leaf));
        if (item.kind === 'Rewrite') return rewriteLayout(item);
        return leaf(item);
      }));
    case 'Inbound':
      return block(s, false, s.items.map((item) => (item.kind === 'Rewrite' ? rewriteLayout(item) : leaf(item))));
    default:
      return leaf(s);
  }
}

function fileLayout(file: ast.FileNode): LayoutNode[] {
  const nodes: LayoutNode[] = [
    ...file.uses.map(leaf),
    ...file.declarations.map((d) => (d.kind === 'Scenario' ? block(d, true, d.items.map(leaf)) : block(d, true, d.settings.map(settingLayout)))),
  ];
  return nodes.sort((a, b) => a.start - b.start);
}

class Unformattable extends Error {}

/** Token structure: where statements start, at which depth, and the blocks. */
class Structure {
  readonly starts = new Map<number, StatementStart>();
  readonly opens = new Map<number, BlockInfo>();
  readonly closes = new Map<number, BlockInfo>();
  readonly depthOf: number[];
  /** Token index ranges of the top-level declarations. */
  readonly topLevel: { from: number; to: number }[] = [];
  private readonly byOffset = new Map<number, number>();

  constructor(
    private readonly tokens: readonly Element[],
    private readonly text: string,
    private readonly commentStarts: readonly number[],
    layout: readonly LayoutNode[],
  ) {
    this.depthOf = new Array<number>(tokens.length).fill(0);
    tokens.forEach((t, i) => this.byOffset.set(t.start, i));
    this.walk(layout, 0, tokens.length, 0, undefined);
  }

  /** Whether a comment starts strictly between two offsets (comment starts are sorted). */
  private commentBetween(from: number, to: number): boolean {
    let low = 0;
    let high = this.commentStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.commentStarts[mid] as number) <= from) low = mid + 1;
      else high = mid;
    }
    return low < this.commentStarts.length && (this.commentStarts[low] as number) < to;
  }

  private index(offset: number): number {
    const i = this.byOffset.get(offset);
    if (i === undefined) throw new Unformattable(`no token at ${offset}`);
    return i;
  }

  private walk(children: readonly LayoutNode[], from: number, to: number, depth: number, parent: BlockInfo | undefined): void {
    if (children.length === 0) {
      if (from !== to) throw new Unformattable('tokens outside every statement');
      return;
    }
    const indices = children.map((c) => this.index(c.start));
    if (indices[0] !== from) throw new Unformattable('tokens before the first statement');
    children.forEach((child, k) => {
      const a = indices[k] as number;
      const b = k + 1 < indices.length ? (indices[k + 1] as number) : to;
      if (b <= a || b > to) throw new Unformattable('statements out of order');
      if (!parent) this.topLevel.push({ from: a, to: b });
      this.starts.set(a, { depth, parent });
      for (let i = a; i < b; i++) this.depthOf[i] = depth;
      if (!child.block) return;
      let open = -1;
      for (let i = a; i < b; i++) if (this.tokens[i]?.text === '{') { open = i; break; }
      const close = b - 1;
      if (open < 0 || this.tokens[close]?.text !== '}' || close <= open) throw new Unformattable('a block without braces');
      const openTok = this.tokens[open] as Element;
      const closeTok = this.tokens[close] as Element;
      const hasComment = this.commentBetween(openTok.start, closeTok.start);
      const sameLine = !this.text.slice(openTok.end, closeTok.start).includes('\n');
      const empty = child.block.children.length === 0 && !hasComment;
      const info: BlockInfo = {
        open, close, depth, empty,
        candidate: empty || (!child.block.multi && sameLine && !hasComment),
        oneLine: false,
      };
      this.opens.set(open, info);
      this.closes.set(close, info);
      this.walk(child.block.children, open + 1, close, depth + 1, info);
    });
  }
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The space between two tokens of one statement. */
function inlineSep(previous: string | undefined, current: string): string {
  if (current === ',' || current === ']' || previous === '[') return '';
  return ' ';
}

interface Layout {
  readonly elements: readonly Element[];
  /** The whitespace the canonical layout puts before each element, and after the last. */
  readonly seps: readonly string[];
  readonly final: string;
  readonly structure: Structure;
}

function layoutOf(file: ParseResult, options: FormattingOptions): Layout {
  const text = file.text;
  const tokens: Element[] = file.tokens.map((t, index) => ({ kind: 'token', index, start: t.startOffset, end: t.startOffset + t.image.length, text: t.image }));
  const comments: Element[] = file.comments.map((c) => {
    const trimmed = c.text.replace(/\s+$/, '');
    return { kind: 'comment', start: c.start, end: c.start + trimmed.length, text: trimmed };
  });
  const elements = [...tokens, ...comments].sort((a, b) => a.start - b.start);
  const structure = new Structure(tokens, text, comments.map((c) => c.start), fileLayout(file.ast));

  const tabSize = options.tabSize > 0 ? Math.floor(options.tabSize) : 2;
  const unit = options.insertSpaces === false ? '\t' : ' '.repeat(tabSize);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = (depth: number): string => unit.repeat(Math.max(0, depth));

  /** The width of a block laid out on one line, `{` to `}`. */
  const oneLineWidth = (b: BlockInfo): number => {
    let width = 1;
    for (let j = b.open + 1; j <= b.close; j++) {
      const t = tokens[j] as Element;
      let sep: string;
      if (j === b.close) sep = ' ';
      else if (structure.starts.has(j)) sep = j === b.open + 1 ? ' ' : '  ';
      else sep = inlineSep(tokens[j - 1]?.text, t.text);
      width += sep.length + t.text.length;
    }
    return width;
  };

  // The index of the next token after each element, for the depth of a comment on its own line.
  const nextToken: (number | undefined)[] = new Array<number | undefined>(elements.length);
  for (let k = elements.length - 1, next: number | undefined; k >= 0; k--) {
    nextToken[k] = next;
    const e = elements[k] as Element;
    if (e.kind === 'token') next = e.index;
  }

  const seps: string[] = [];
  let column = 0;
  let previous: Element | undefined;
  let previousEnd = 0;
  /** The previous element ends a line that opens a block (`{`, or a comment after it). */
  let afterOpen = false;
  elements.forEach((element, k) => {
    const gap = text.slice(previousEnd, element.start);
    const blank = previous !== undefined && newlines(gap) >= 2 && !afterOpen;
    const line = (depth: number, allowBlank = true): string => {
      column = depth * (unit === '\t' ? tabSize : unit.length);
      return (blank && allowBlank ? eol + eol : eol) + indent(depth);
    };
    let sep: string;
    if (element.kind === 'comment') {
      if (!previous) sep = '';
      else if (!gap.includes('\n')) sep = '  ';
      else {
        const next = nextToken[k];
        let depth = 0;
        if (next !== undefined) {
          const start = structure.starts.get(next);
          const close = structure.closes.get(next);
          depth = start ? start.depth : close ? close.depth + 1 : (structure.depthOf[next] ?? 0) + 1;
        }
        sep = line(depth);
      }
    } else {
      const i = element.index;
      const start = structure.starts.get(i);
      const close = structure.closes.get(i);
      if (!previous) sep = '';
      else if (start) {
        if (start.parent?.oneLine) sep = i === start.parent.open + 1 ? ' ' : '  ';
        else sep = line(start.depth);
      } else if (close) {
        sep = close.oneLine ? ' ' : line(close.depth, false);
      } else if (previous.kind === 'comment') {
        sep = line((structure.depthOf[i] ?? 0) + 1);
      } else {
        sep = inlineSep(previous.text, element.text);
      }
      const open = structure.opens.get(i);
      if (open) {
        const at = sep.includes('\n') ? column : column + sep.length;
        open.oneLine = open.empty || (open.candidate && at + oneLineWidth(open) <= maxLineWidth);
      }
    }
    if (!sep.includes('\n')) column += sep.length;
    column += element.text.length;
    seps.push(sep);
    afterOpen = element.kind === 'token' ? structure.opens.has(element.index) : afterOpen && !sep.includes('\n');
    previous = element;
    previousEnd = element.end;
  });
  return { elements, seps, final: elements.length > 0 ? eol : '', structure };
}

function sameElements(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Formats `file` (or only the top-level declarations that `range` overlaps). Returns
 * one edit per changed run of whitespace; none when the file has a lexing or syntax
 * error, or when the result would not lex to the same tokens.
 */
export function format(file: ParseResult, options: FormattingOptions, range?: Range): TextEdit[] {
  if (file.diagnostics.some((d) => syntaxCodes.has(d.code))) return [];
  let layout: Layout;
  try {
    layout = layoutOf(file, options);
  } catch (error) {
    if (error instanceof Unformattable) return [];
    throw error;
  }
  const { elements, seps, final, structure } = layout;
  const text = file.text;

  // Old gaps: the whitespace before each element (a comment's trailing blanks included), and after the last.
  const gaps: { start: number; end: number; newText: string }[] = [];
  let previousEnd = 0;
  elements.forEach((e, k) => {
    gaps.push({ start: previousEnd, end: e.start, newText: seps[k] ?? '' });
    previousEnd = e.end;
  });
  gaps.push({ start: previousEnd, end: text.length, newText: final });

  // Safety: the formatted text must hold exactly the same tokens and comments.
  const formatted = gaps.map((g, k) => g.newText + (elements[k]?.text ?? '')).join('');
  const again = parse(formatted, file.uri);
  if (again.diagnostics.some((d) => syntaxCodes.has(d.code))) return [];
  if (!sameElements(again.tokens.map((t) => t.image), file.tokens.map((t) => t.image))) return [];
  if (!sameElements(again.comments.map((c) => c.text), elements.filter((e) => e.kind === 'comment').map((e) => e.text))) return [];

  let allowed: ((g: { start: number; end: number }) => boolean) | undefined;
  if (range) {
    const from = offsetAt(file, range.start);
    const to = offsetAt(file, range.end);
    const tokens = elements.filter((e) => e.kind === 'token');
    const windows: { start: number; end: number }[] = [];
    const position = new Map(elements.map((e, k) => [e, k]));
    for (const decl of structure.topLevel) {
      const first = tokens[decl.from] as Element;
      const last = tokens[decl.to - 1] as Element;
      let end = last.end;
      // A comment after the declaration's last token, on its line, belongs to it.
      const after = elements[(position.get(last) ?? elements.length) + 1];
      if (after?.kind === 'comment' && !text.slice(last.end, after.start).includes('\n')) end = after.end;
      if (from <= end && to >= first.start) windows.push({ start: first.start, end });
    }
    allowed = (g) => windows.some((w) => g.start >= w.start && g.end <= w.end);
  }

  const edits: TextEdit[] = [];
  for (const g of gaps) {
    if (text.slice(g.start, g.end) === g.newText) continue;
    if (allowed && !allowed(g)) continue;
    edits.push({ range: spanToRange(file, g), newText: g.newText });
  }
  return edits;
}
