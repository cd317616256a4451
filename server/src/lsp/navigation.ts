// Go to definition, find references, highlights and rename, all answered from the
// core's symbol index (`analysis.symbols`). Merged declarations (a profile's
// `gateway pstn` and every branch's override of it) are one symbol there, so a
// rename renames all of them, across files.
import { DocumentHighlightKind, type DocumentHighlight, type Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { keywordWords, resolveUse, type Analysis, type ast, type SymbolKind, type SymbolOccurrence } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, spanToRange } from './convert.js';

/** A rename the server refuses (invalid or reserved new name); the shell answers it as an LSP error. */
export class RenameError extends Error {}

/** The shape of a name (docs/language.md, "Lexical structure"); the lexer's `Name` token. */
const namePattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const reserved = new Set<string>(keywordWords);

/** The symbol occurrence under the cursor, if any. */
export function occurrenceAt(ctx: DocumentContext, position: Position): SymbolOccurrence | undefined {
  return ctx.analysis.symbols.at(ctx.uri, offsetAt(ctx.file, position));
}

function locationOf(analysis: Analysis, o: SymbolOccurrence): Location | undefined {
  const file = analysis.files.get(o.uri);
  return file ? { uri: o.uri, range: spanToRange(file, o) } : undefined;
}

function byPlace(a: SymbolOccurrence, b: SymbolOccurrence): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start;
}

// ---------------------------------------------------------------------------
// Containers and profile chains, found through the symbol index.

/** A top-level block of a file (branch, profile or scenario), with its file. */
export interface Placed<T> {
  readonly uri: string;
  readonly node: T;
}

/** The top-level declaration of `uri` whose span holds `offset`. */
export function declarationAt(analysis: Analysis, uri: string, offset: number): Placed<ast.Declaration> | undefined {
  const file = analysis.files.get(uri);
  if (!file) return undefined;
  for (const node of file.ast.declarations) {
    if (node.start <= offset && offset <= node.end && node.end > node.start) return { uri, node };
  }
  return undefined;
}

/** The container (branch or profile) a symbol declaration names: the block whose name starts at `o.start`. */
function containerNamedAt(analysis: Analysis, o: SymbolOccurrence): Placed<ast.ContainerNode> | undefined {
  const found = declarationAt(analysis, o.uri, o.start);
  return found && found.node.kind !== 'Scenario' && found.node.name?.start === o.start
    ? { uri: found.uri, node: found.node } : undefined;
}

/** The container a reference (`uses station`, `in bilbao`) resolved to, through the index. */
function resolveContainer(analysis: Analysis, uri: string, ref: ast.Value | undefined): Placed<ast.ContainerNode> | undefined {
  if (!ref) return undefined;
  const o = analysis.symbols.at(uri, ref.start);
  if (!o || o.start !== ref.start || o.role !== 'reference') return undefined;
  const declaration = analysis.symbols.occurrencesOf(o.symbol).find((d) => d.role === 'declaration');
  return declaration ? containerNamedAt(analysis, declaration) : undefined;
}

/** A block and the profiles it uses, nearest first; a scenario stands for its branch. */
export function chainOf(analysis: Analysis, start: Placed<ast.Declaration>): Placed<ast.ContainerNode>[] {
  let current: Placed<ast.ContainerNode> | undefined = start.node.kind === 'Scenario'
    ? resolveContainer(analysis, start.uri, start.node.branch)
    : { uri: start.uri, node: start.node };
  const chain: Placed<ast.ContainerNode>[] = [];
  const seen = new Set<ast.ContainerNode>();
  while (current && !seen.has(current.node)) {
    seen.add(current.node);
    chain.push(current);
    current = resolveContainer(analysis, current.uri, current.node.uses);
  }
  return chain;
}

function contains(container: Placed<ast.ContainerNode>, o: { readonly uri: string; readonly start: number }): boolean {
  return container.uri === o.uri && container.node.start <= o.start && o.start < container.node.end;
}

// ---------------------------------------------------------------------------
// Definition, references, highlights.

/**
 * The declarations of the symbol under the cursor. A name declared at several
 * levels (a profile's gateway and the branch's override) answers the levels that
 * apply where the cursor is, nearest first; when none does (a profile naming a
 * phone every branch must supply), every declaration.
 */
export function definition(ctx: DocumentContext, position: Position): Location[] {
  const here = occurrenceAt(ctx, position);
  if (!here) return usedFile(ctx, position);
  const { analysis } = ctx;
  const declarations = analysis.symbols.occurrencesOf(here.symbol).filter((o) => o.role === 'declaration');
  let chosen: SymbolOccurrence[] = [];
  if (declarations.length > 1) {
    const block = declarationAt(analysis, here.uri, here.start);
    for (const container of block ? chainOf(analysis, block) : []) {
      chosen.push(...declarations.filter((d) => contains(container, d)));
    }
  }
  if (chosen.length === 0) chosen = declarations;
  return chosen.flatMap((o) => locationOf(analysis, o) ?? []);
}

/** On the path of a `use "..."` line: the start of that file, when the fleet has it. */
function usedFile(ctx: DocumentContext, position: Position): Location[] {
  const offset = offsetAt(ctx.file, position);
  const use = ctx.file.ast.uses.find((u) => u.path && u.path.start <= offset && offset <= u.path.end);
  if (!use?.path) return [];
  const target = resolveUse(ctx.uri, use.path.text);
  if (!ctx.analysis.files.has(target)) return [];
  const start = { line: 0, character: 0 };
  return [{ uri: target, range: { start, end: start } }];
}

export function references(ctx: DocumentContext, position: Position, includeDeclaration: boolean): Location[] {
  const here = occurrenceAt(ctx, position);
  if (!here) return [];
  return ctx.analysis.symbols.occurrencesOf(here.symbol)
    .filter((o) => includeDeclaration || o.role === 'reference')
    .sort(byPlace)
    .flatMap((o) => locationOf(ctx.analysis, o) ?? []);
}

export function documentHighlights(ctx: DocumentContext, position: Position): DocumentHighlight[] {
  const here = occurrenceAt(ctx, position);
  if (!here) return [];
  return ctx.analysis.symbols.occurrencesOf(here.symbol)
    .filter((o) => o.uri === ctx.uri)
    .sort(byPlace)
    .map((o) => ({
      range: spanToRange(ctx.file, o),
      kind: o.role === 'declaration' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}

// ---------------------------------------------------------------------------
// Rename.

export function prepareRename(ctx: DocumentContext, position: Position): { range: Range; placeholder: string } | null {
  const here = occurrenceAt(ctx, position);
  if (!here) return null;
  return { range: spanToRange(ctx.file, here), placeholder: ctx.file.text.slice(here.start, here.end) };
}

export function rename(ctx: DocumentContext, position: Position, newName: string): WorkspaceEdit | null {
  const here = occurrenceAt(ctx, position);
  if (!here) return null;
  const { analysis } = ctx;
  const symbol = analysis.symbols.symbols[here.symbol];
  if (!symbol) return null;
  checkNewName(newName);
  if (newName !== symbol.name) {
    const clash = findClash(analysis, here.symbol, symbol.kind, newName);
    if (clash) throw new RenameError(`cannot rename '${symbol.name}' to '${newName}': ${clash}`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of analysis.symbols.occurrencesOf(here.symbol).slice().sort(byPlace)) {
    const file = analysis.files.get(o.uri);
    if (!file) continue;
    (changes[o.uri] ??= []).push({ range: spanToRange(file, o), newText: newName });
  }
  return { changes };
}

function checkNewName(newName: string): void {
  if (!namePattern.test(newName)) {
    throw new RenameError(
      `'${newName}' is not a valid name: a name starts with a letter or '_' and goes on with letters, digits, '_' or '-'`,
    );
  }
  if (reserved.has(newName)) throw new RenameError(`'${newName}' is a reserved keyword and cannot be a name`);
}

const entityKinds: Record<string, SymbolKind> = { Gateway: 'gateway', Upstream: 'upstream', Phone: 'phone', Group: 'group' };
const article: Record<SymbolKind, string> = {
  branch: 'a branch', profile: 'a profile', gateway: 'a gateway', upstream: 'an upstream', phone: 'a phone', group: 'a group',
};

/** Why `newName` would collide with another name in the renamed symbol's scope, or undefined. */
function findClash(analysis: Analysis, id: number, kind: SymbolKind, newName: string): string | undefined {
  const own = analysis.symbols.occurrencesOf(id);
  const isOwn = (uri: string, span: ast.Span) => {
    const o = analysis.symbols.at(uri, span.start);
    return o !== undefined && o.symbol === id && o.start === span.start;
  };
  const allContainers: Placed<ast.ContainerNode>[] = [];
  for (const [uri, file] of analysis.files) {
    for (const node of file.ast.declarations) if (node.kind !== 'Scenario') allContainers.push({ uri, node });
  }

  if (kind === 'branch') {
    // Branch names are global to the fleet.
    const other = allContainers.find((c) => c.node.kind === 'Branch' && c.node.name?.text === newName && !isOwn(c.uri, c.node.name));
    return other ? `the fleet already has a branch '${newName}' (${other.uri})` : undefined;
  }

  if (kind === 'profile') {
    // A profile is looked up in the using file, then in the files it uses.
    const files = new Set<string>();
    for (const o of own) {
      files.add(o.uri);
      for (const use of analysis.files.get(o.uri)?.ast.uses ?? []) if (use.path) files.add(resolveUse(o.uri, use.path.text));
    }
    const other = allContainers.find((c) => c.node.kind === 'Profile' && files.has(c.uri) && c.node.name?.text === newName && !isOwn(c.uri, c.node.name));
    return other ? `a profile '${newName}' is already visible there (${other.uri})` : undefined;
  }

  // Gateways, upstreams, phones and groups share one namespace per branch, made
  // of the branch's block and its profiles'. Every chain the symbol appears in
  // counts (a scenario's names are its branch's).
  const touched = new Set<ast.ContainerNode>();
  for (const o of own) {
    const block = declarationAt(analysis, o.uri, o.start);
    if (!block) continue;
    const container = block.node.kind === 'Scenario' ? chainOf(analysis, block)[0] : { uri: block.uri, node: block.node };
    if (container) touched.add(container.node);
  }
  for (const start of allContainers) {
    const chain = chainOf(analysis, start);
    if (!chain.some((c) => touched.has(c.node))) continue;
    for (const container of chain) {
      for (const setting of container.node.settings) {
        const settingKind = entityKinds[setting.kind];
        if (!settingKind || !('name' in setting) || !setting.name || setting.name.text !== newName) continue;
        if (isOwn(container.uri, setting.name)) continue;
        const what = start.node.kind === 'Branch' ? 'branch' : 'profile';
        return `'${newName}' is already ${article[settingKind]} in ${what} '${start.node.name?.text ?? ''}'`;
      }
    }
  }
  return undefined;
}
