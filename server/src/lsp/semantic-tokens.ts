// Semantic tokens: every significant token of a document classified with the
// standard LSP token types. Names are classified through the symbol index (what
// they name, declaration or reference), so a name spelled like a keyword that
// stands where a name goes is still coloured as a name.
//
//   branch/profile names  namespace (profiles also readonly: templates, never sites)
//   gateway class, upstream interface, phone variable, group enum (+ declaration)
//   property keys         property (`kind`, `no-answer`, `proxy`...)
//   actor states          enumMember.defaultLibrary (`silent`, `busy`...)
//   transports, kinds     type.defaultLibrary (`udp`, `bri`...)
//   other keywords        keyword
//   numbers, durations, percentages, reply classes, addresses   number
//   strings, SIP URIs     string;  comments  comment
import type { IToken } from 'chevrotain';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { ast, ParseResult, SymbolIndex, SymbolKind } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, positionAt } from './convert.js';

const tokenTypes = [
  'keyword', 'namespace', 'class', 'interface', 'variable', 'enum', 'property', 'number', 'string', 'comment', 'type', 'enumMember',
] as const;
const tokenModifiers = ['declaration', 'readonly', 'defaultLibrary'] as const;

type TokenTypeName = (typeof tokenTypes)[number];
type ModifierName = (typeof tokenModifiers)[number];

export const semanticTokenLegend: SemanticTokensLegend = { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] };

const typeIndex = new Map<string, number>(tokenTypes.map((t, i) => [t, i]));
const modifierBit = new Map<string, number>(tokenModifiers.map((m, i) => [m, 1 << i]));

/** What each kind of name is shown as. Profiles are read-only templates of settings. */
const symbolType: Record<SymbolKind, TokenTypeName> = {
  branch: 'namespace', profile: 'namespace', gateway: 'class', upstream: 'interface', phone: 'variable', group: 'enum',
};

interface Classified {
  readonly start: number;
  readonly end: number;
  readonly type: TokenTypeName;
  readonly modifiers: readonly ModifierName[];
}

/** Whether the token is of the lexer's token type or category `name` (`Keyword`, `Transport`, `Address`...). */
function is(token: IToken, name: string): boolean {
  return token.tokenType.name === name || (token.tokenType.CATEGORIES?.some((c) => c.name === name) ?? false);
}

const numeric = new Set(['Number', 'NumberPattern', 'Duration', 'Percent', 'ReplyClass']);

type Role = 'property' | 'state' | SymbolKind;

/**
 * What the AST says about spans of the file: property keys (`kind`, `no-answer`),
 * actor states (`silent`), and declared names, which the symbol index lacks for
 * blocks no branch uses (a profile nobody uses yet). Sorted by start.
 */
function astRoles(root: ast.FileNode): { span: ast.Span; role: Role }[] {
  const out: { span: ast.Span; role: Role }[] = [];
  const declared: Record<string, SymbolKind> = {
    Branch: 'branch', Profile: 'profile', Gateway: 'gateway', Upstream: 'upstream', Phone: 'phone', Group: 'group',
  };
  const visit = (value: unknown, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const node = value as { kind?: unknown; keySpan?: ast.Span; stateSpan?: ast.Span; name?: ast.Value };
    if (node.kind === 'Property' && node.keySpan) out.push({ span: node.keySpan, role: 'property' });
    else if (node.kind === 'State' && node.stateSpan) out.push({ span: node.stateSpan, role: 'state' });
    else if (typeof node.kind === 'string' && declared[node.kind] && node.name) out.push({ span: node.name, role: declared[node.kind] as SymbolKind });
    for (const child of Object.values(node)) visit(child, depth + 1);
  };
  visit(root, 0);
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** Walks the roles along with the tokens (both in file order): the role covering each token. */
class RoleCursor {
  private next = 0;
  private readonly open: { span: ast.Span; role: Role }[] = [];

  constructor(private readonly roles: readonly { span: ast.Span; role: Role }[]) {}

  at(offset: number): Role | undefined {
    while (this.next < this.roles.length && (this.roles[this.next] as { span: ast.Span }).span.start <= offset) {
      this.open.push(this.roles[this.next] as { span: ast.Span; role: Role });
      this.next++;
    }
    for (let i = this.open.length - 1; i >= 0; i--) {
      const r = this.open[i] as { span: ast.Span; role: Role };
      if (r.span.end <= offset) this.open.splice(i, 1);
    }
    // The innermost (latest starting) role wins.
    return this.open[this.open.length - 1]?.role;
  }
}

function classify(token: IToken, symbols: SymbolIndex, uri: string, role: Role | undefined): Classified | undefined {
  const start = token.startOffset;
  const end = start + token.image.length;
  const plain = (type: TokenTypeName, ...modifiers: ModifierName[]): Classified => ({ start, end, type, modifiers });
  const named = (kind: SymbolKind, declaration: boolean) =>
    plain(symbolType[kind], ...(declaration ? ['declaration' as const] : []), ...(kind === 'profile' ? ['readonly' as const] : []));
  const occurrence = symbols.at(uri, start);
  if (occurrence && occurrence.start === start && occurrence.end === end) {
    const symbol = symbols.symbols[occurrence.symbol];
    if (symbol) return named(symbol.kind, occurrence.role === 'declaration');
  }
  if (role && role !== 'property' && role !== 'state') return named(role, true);
  if (is(token, 'Keyword')) {
    if (is(token, 'Transport') || is(token, 'GatewayKind')) return plain('type', 'defaultLibrary');
    if (role === 'property') return plain('property');
    if (role === 'state') return plain('enumMember', 'defaultLibrary');
    return plain('keyword');
  }
  const name = token.tokenType.name;
  if (name === 'String' || name === 'SipUri') return plain('string');
  if (numeric.has(name) || is(token, 'Address')) return plain('number');
  // Punctuation, and names that name nothing known (the checker reports those).
  return undefined;
}

/** Splits a token at line breaks: LSP tokens never span lines. */
function pushLines(file: ParseResult, t: Classified, out: { line: number; char: number; length: number; type: number; mods: number }[]): void {
  const type = typeIndex.get(t.type) as number;
  const mods = t.modifiers.reduce((bits, m) => bits | (modifierBit.get(m) ?? 0), 0);
  let at = t.start;
  while (at < t.end) {
    const position = positionAt(file, at);
    const lineEnd = offsetAt(file, { line: position.line, character: Number.MAX_SAFE_INTEGER });
    let end = Math.min(t.end, lineEnd);
    if (end > at && file.text[end - 1] === '\r') end--;
    if (end > at) out.push({ line: position.line, char: position.character, length: end - at, type, mods });
    if (lineEnd >= t.end) break;
    at = lineEnd + 1;
  }
}

export function semanticTokens(ctx: DocumentContext): SemanticTokens {
  const file = ctx.file;
  const roles = new RoleCursor(astRoles(file.ast));
  const classified: Classified[] = [];
  for (const token of file.tokens) {
    const c = classify(token, ctx.analysis.symbols, ctx.uri, roles.at(token.startOffset));
    if (c) classified.push(c);
  }
  for (const comment of file.comments) classified.push({ start: comment.start, end: comment.end, type: 'comment', modifiers: [] });
  classified.sort((a, b) => a.start - b.start);

  const pieces: { line: number; char: number; length: number; type: number; mods: number }[] = [];
  let lastEnd = 0;
  for (const t of classified) {
    if (t.start < lastEnd || t.end <= t.start) continue; // never overlap
    pushLines(file, t, pieces);
    lastEnd = t.end;
  }
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const p of pieces) {
    data.push(p.line - line, p.line === line ? p.char - char : p.char, p.length, p.type, p.mods);
    line = p.line;
    char = p.char;
  }
  return { data };
}

