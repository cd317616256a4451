// The outline of a document (hierarchical DocumentSymbols from the AST) and the
// workspace symbol search (every declaration of the symbol index).
import { SymbolKind, type DocumentSymbol, type WorkspaceSymbol } from 'vscode-languageserver-types';
import type { Analysis, ast, ParseResult, SymbolKind as SurvSymbolKind } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { spanToRange } from './convert.js';

/** One LSP kind per kind of name, shared by the outline and the workspace search. */
export const lspSymbolKind: Record<SurvSymbolKind, SymbolKind> = {
  branch: SymbolKind.Module,
  profile: SymbolKind.Package,
  gateway: SymbolKind.Class,
  upstream: SymbolKind.Interface,
  phone: SymbolKind.Variable,
  group: SymbolKind.Enum,
};

export function documentSymbols(ctx: DocumentContext): DocumentSymbol[] {
  const file = ctx.file;
  const out: DocumentSymbol[] = [];
  for (const decl of file.ast.declarations) {
    const symbol = decl.kind === 'Scenario' ? scenarioSymbol(file, decl) : containerSymbol(file, decl);
    if (symbol) out.push(symbol);
  }
  return out;
}

/** A symbol for `node`, named by `nameSpan` (clamped into the node, as LSP requires). */
function make(
  file: ParseResult, node: ast.Span, nameSpan: ast.Span, name: string, kind: SymbolKind, detail?: string, children?: DocumentSymbol[],
): DocumentSymbol | undefined {
  if (node.end < node.start) return undefined;
  const start = Math.min(Math.max(nameSpan.start, node.start), node.end);
  const end = Math.max(Math.min(nameSpan.end, node.end), start);
  return {
    name: name.trim() === '' ? '(unnamed)' : name,
    kind,
    range: spanToRange(file, node),
    selectionRange: spanToRange(file, { start, end }),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  };
}

function containerSymbol(file: ParseResult, node: ast.ContainerNode): DocumentSymbol | undefined {
  const children = node.settings.flatMap((s) => settingSymbol(file, s) ?? []);
  const what = node.kind === 'Branch' ? 'branch' : 'profile';
  return make(
    file, node, node.name ?? node.keywordSpan, node.name?.text ?? `(unnamed ${what})`, lspSymbolKind[what],
    node.uses ? `uses ${node.uses.text}` : undefined, children,
  );
}

function propertyText(properties: readonly ast.Property[], key: ast.PropertyKey): string | undefined {
  return properties.find((p) => p.key === key)?.value?.text;
}

function settingSymbol(file: ParseResult, s: ast.Setting): DocumentSymbol | undefined {
  // A block without a name of its own is named by its keyword, which starts the
  // node and is spelled like its kind (`Timers` / `timers`).
  const keywordSpan = { start: s.start, end: Math.min(s.end, s.start + s.kind.length) };
  switch (s.kind) {
    case 'Gateway': {
      const detail = [propertyText(s.properties, 'kind'), propertyText(s.properties, 'address')].filter(Boolean).join(' ');
      return s.name ? make(file, s, s.name, s.name.text, lspSymbolKind.gateway, detail) : undefined;
    }
    case 'Upstream':
      return s.name ? make(file, s, s.name, s.name.text, lspSymbolKind.upstream, propertyText(s.properties, 'proxy')) : undefined;
    case 'Phone': {
      const where = s.address ? `at ${s.address.text}` : s.registered ? 'registered' : '';
      const transport = s.transport?.value ? `transport ${s.transport.value.text}` : undefined;
      return s.name ? make(file, s, s.name, s.name.text, lspSymbolKind.phone, [s.extension?.text, where, transport].filter(Boolean).join(' ')) : undefined;
    }
    case 'Group': {
      const detail = `${s.mode?.text ?? ''} [${s.members.map((m) => m.text).join(', ')}]`.trim();
      return s.name ? make(file, s, s.name, s.name.text, lspSymbolKind.group, detail) : undefined;
    }
    case 'Timers':
      return make(file, s, keywordSpan, 'timers', SymbolKind.Struct);
    case 'Register':
      return make(file, s, keywordSpan, 'register', SymbolKind.Struct, propertyText(s.properties, 'forward') ? `forward ${propertyText(s.properties, 'forward')}` : undefined);
    case 'Limits':
      return make(file, s, keywordSpan, 'limits', SymbolKind.Struct);
    case 'Tls':
      return make(file, s, keywordSpan, 'tls', SymbolKind.Struct, propertyText(s.properties, 'certificate'));
    case 'Router':
      return make(file, s, keywordSpan, 'router', SymbolKind.Struct, propertyText(s.properties, 'manage'));
    case 'Outbound':
      return make(file, s, keywordSpan, 'outbound', SymbolKind.Struct, s.via.length > 0 ? `via ${s.via.map((v) => v.text).join(', ')}` : undefined);
    case 'Inbound':
      return make(file, s, keywordSpan, 'inbound', SymbolKind.Struct, s.from.length > 0 ? `from ${s.from.map((v) => v.text).join(', ')}` : undefined);
    default:
      // edge and lan are one-line values, not worth an outline entry.
      return undefined;
  }
}

function scenarioSymbol(file: ParseResult, node: ast.ScenarioNode): DocumentSymbol | undefined {
  const title = node.title?.text;
  return make(
    file, node, node.title ?? node.keywordSpan, title === undefined || title.trim() === '' ? '(untitled scenario)' : title,
    SymbolKind.Event, node.branch ? `in ${node.branch.text}` : undefined,
  );
}

/** True when every character of `query` appears in `name` in order, ignoring case. */
export function matchesQuery(name: string, query: string): boolean {
  const n = name.toLowerCase();
  const q = query.toLowerCase();
  let at = 0;
  for (const ch of q) {
    at = n.indexOf(ch, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

/** Every declaration of every symbol whose name matches `query`; one entry per declaration site, by file and offset. */
export function workspaceSymbols(analysis: Analysis, query: string): WorkspaceSymbol[] {
  const index = analysis.symbols;
  const out: { symbol: WorkspaceSymbol; uri: string; offset: number }[] = [];
  for (const symbol of index.symbols) {
    if (!matchesQuery(symbol.name, query)) continue;
    for (const o of index.occurrencesOf(symbol.id)) {
      if (o.role !== 'declaration') continue;
      const file = analysis.files.get(o.uri);
      if (!file) continue;
      const container = symbol.kind === 'branch' || symbol.kind === 'profile' ? undefined : containerName(file, o.start);
      out.push({
        uri: o.uri,
        offset: o.start,
        symbol: {
          name: symbol.name,
          kind: lspSymbolKind[symbol.kind],
          location: { uri: o.uri, range: spanToRange(file, o) },
          ...(container ? { containerName: container } : {}),
        },
      });
    }
  }
  out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.offset - b.offset));
  return out.map((e) => e.symbol);
}

function containerName(file: ParseResult, offset: number): string | undefined {
  for (const decl of file.ast.declarations) {
    if (decl.kind !== 'Scenario' && decl.start <= offset && offset < decl.end) return decl.name?.text;
  }
  return undefined;
}
