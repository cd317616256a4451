// Re-parsing after an edit inside one top-level declaration: only that
// declaration's text is parsed again, the others are kept (shifted when the edit
// changed the length). An editor changes one branch at a time, and parsing is a
// third of checking a large file, so this is where keystroke latency goes down.
// Anything less simple than "a syntax-clean edit inside one declaration of a
// syntax-clean file" falls back to a full parse, so the result is always exactly
// what `parse` would give (a property test holds the two together).
import type * as ast from './ast.js';
import { LineIndex } from './line-index.js';
import { tokenize } from './lexer.js';
import { parse, type ParseResult } from './parse.js';

/** Adds `delta` to every `start`/`end` below `node`, in place. Frozen (shared) objects are left alone. */
function shift(node: unknown, delta: number): void {
  if (node === null || typeof node !== 'object' || Object.isFrozen(node)) return;
  if (Array.isArray(node)) {
    for (const item of node) shift(item, delta);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if ((key === 'start' || key === 'end') && typeof value === 'number') record[key] = value + delta;
    else if (typeof value === 'object') shift(value, delta);
  }
}

/**
 * Parses `text`, the new version of `previous.text`, reusing what it can.
 * `previous` is consumed: its tree may be shifted in place and must not be used again.
 */
export function reparse(previous: ParseResult | undefined, text: string, uri: string): ParseResult {
  if (!previous || previous.uri !== uri || previous.diagnostics.length > 0) return parse(text, uri);
  const old = previous.text;
  if (old === text) return previous;
  // The edit: a common prefix and a common suffix around one changed region.
  const limit = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const changedEnd = old.length - suffix;
  const delta = text.length - old.length;
  const declarations = previous.ast.declarations;
  // Strictly inside one declaration: not touching its first token or its last.
  const index = declarations.findIndex((d) => d.start < prefix && changedEnd < d.end);
  const target = declarations[index];
  if (!target) return parse(text, uri);
  const slice = text.slice(target.start, target.end + delta);
  const part = parse(slice, uri);
  const replacement = part.ast.declarations[0];
  if (part.diagnostics.length > 0 || part.ast.uses.length > 0 || part.ast.declarations.length !== 1 || !replacement
    || replacement.kind !== target.kind || replacement.start !== 0 || replacement.end !== slice.length) {
    return parse(text, uri);
  }
  shift(replacement, target.start);
  for (let i = index + 1; i < declarations.length; i++) shift(declarations[i], delta);
  for (const use of previous.ast.uses) if (use.start >= target.end) shift(use, delta);
  const comments = [
    ...previous.comments.filter((c) => c.end <= target.start),
    ...part.comments.map((c) => ({ text: c.text, start: c.start + target.start, end: c.end + target.start })),
    ...previous.comments.filter((c) => c.start >= target.end).map((c) => ({ text: c.text, start: c.start + delta, end: c.end + delta })),
  ];
  const newDeclarations = [...declarations.slice(0, index), replacement, ...declarations.slice(index + 1)];
  const items: ast.Span[] = [...previous.ast.uses, ...newDeclarations];
  const start = Math.min(...items.map((i) => i.start));
  const end = Math.max(...items.map((i) => i.end));
  const tree: ast.FileNode = { kind: 'File', uses: previous.ast.uses, declarations: newDeclarations, start, end };
  let tokens: ParseResult['tokens'] | undefined;
  return {
    uri, text, ast: tree, comments, diagnostics: [], lines: new LineIndex(text),
    get tokens() { return (tokens ??= tokenize(text).tokens); },
  };
}
