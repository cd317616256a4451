// The one `use`-following loader: `surv` (every command), the language server's
// workspace and its Export Bundle all turn "these files" into "these files and every
// file they reach through `use`" here, under one set of rules (docs/security.md):
// a `use` target is read only when it is a regular `.surv` file inside a root, of
// bounded size, within the load's byte budget. A target refused is still handed to
// the core, empty and marked `unread`, so the core reports why at the `use` path
// (SURV006 outside the root, SURV007 not a regular .surv file / too large /
// unreadable) instead of "cannot find" or, worse, parse errors quoting its content.
import { parse, resolveUse, type ParseResult, type SourceFile } from '../../grammar/src/index.js';
import { isInside, outsideRoot, readDesign, realPath, type Budget, type Limits } from './read.js';

export interface LoadHost {
  /** Real paths of the folders `use` may read from. */
  readonly roots: readonly string[];
  readonly budget: Budget;
  readonly limits?: Limits;
  /** The file-system path of a file id (a path, or a `file:` URI); undefined for any other id. */
  pathOf(id: string): string | undefined;
  /** A text the shell already holds for `id` (an editor's open document), used instead of the disk. */
  held?(id: string): string | undefined;
  /** Parses, reusing a cached result when the shell keeps one. */
  parse?(id: string, text: string): ParseResult;
}

export interface Loaded {
  /** The sources given, then every file reached through `use`, in the order found. */
  readonly sources: readonly SourceFile[];
  /** Each readable source parsed once; `analyze` reuses these. */
  readonly parsed: ReadonlyMap<string, ParseResult>;
}

/** An unread source: the core reports `reason` under `code` where it is used (and at its start when `named`). */
export function unreadSource(uri: string, code: string, reason: string, named: boolean): SourceFile {
  return { uri, text: '', unread: { code, reason, named } };
}

/**
 * Follows the `use` lines of `named` (transitively). A target already in the set is
 * not read again; a missing target is left out, and the core reports SURV004.
 */
export function followUses(named: Iterable<SourceFile>, host: LoadHost): Loaded {
  const sources = new Map<string, SourceFile>();
  for (const source of named) if (!sources.has(source.uri)) sources.set(source.uri, source);
  // Real paths already in the set: a target reached again under another name (a link to
  // a folder above it, `loop -> .`) is not read again, or `use "loop/me.surv"` in
  // me.surv would read loop/loop/.../me.surv without end.
  // Built only when a target is not in the set already: the language server calls this on
  // every edit with every workspace file named, and most `use` targets are among them, so
  // most edits resolve no real path at all (one realpath per file otherwise).
  let realsOfNamed: Map<string, string> | undefined;
  const reals = (): Map<string, string> => {
    if (realsOfNamed) return realsOfNamed;
    realsOfNamed = new Map();
    for (const [id, source] of sources) {
      if (source.unread) continue;
      const path = host.pathOf(id);
      const real = path === undefined ? undefined : realPath(path);
      if (real !== undefined && !realsOfNamed.has(real)) realsOfNamed.set(real, id);
    }
    return realsOfNamed;
  };
  const parsed = new Map<string, ParseResult>();
  const parseWith = host.parse ?? ((id: string, text: string) => parse(text, id));
  // The map grows while it is walked: each newly found target is parsed in turn.
  for (const [id, source] of sources) {
    if (source.unread) continue;
    const result = parseWith(id, source.text);
    parsed.set(id, result);
    for (const use of result.ast.uses) {
      if (!use.path) continue;
      const target = resolveUse(id, use.path.text);
      if (sources.has(target)) continue;
      const path = host.pathOf(target);
      const real = path === undefined ? undefined : realPath(path);
      const first = real === undefined ? undefined : reals().get(real);
      if (first !== undefined) {
        sources.set(target, unreadSource(target, 'SURV007', `the same file as '${first}', reached again through a link`, false));
        continue;
      }
      const found = readTarget(target, host);
      if (found) sources.set(target, found);
      if (found && !found.unread && real !== undefined) reals().set(real, target);
    }
  }
  return { sources: [...sources.values()], parsed };
}

function readTarget(id: string, host: LoadHost): SourceFile | undefined {
  const path = host.pathOf(id);
  const held = host.held?.(id);
  if (held !== undefined) {
    // An open document is not read from disk, but the same rule applies to it.
    const refusal = path === undefined ? undefined : heldRefusal(path, host.roots);
    return refusal ? unreadSource(id, refusal.code, refusal.reason, false) : { uri: id, text: held };
  }
  if (path === undefined) return undefined;
  const outcome = readDesign(path, { roots: host.roots, survOnly: true, budget: host.budget, ...(host.limits ? { limits: host.limits } : {}) });
  switch (outcome.kind) {
    case 'text': return { uri: id, text: outcome.text };
    case 'missing': return undefined;
    case 'refused': return unreadSource(id, outcome.code, outcome.reason, false);
  }
}

/** Why an open document may not be used by path, if it may not (it may not exist on disk yet). */
function heldRefusal(path: string, roots: readonly string[]): { code: string; reason: string } | undefined {
  const real = realPath(path) ?? path;
  if (!roots.some((root) => isInside(real, root))) return { code: 'SURV006', reason: outsideRoot };
  if (!real.endsWith('.surv')) return { code: 'SURV007', reason: 'not a .surv file' };
  return undefined;
}
