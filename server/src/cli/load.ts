// Turns the paths on the command line into the set of files `analyze` needs: folders
// expanded to their `.surv` files, then every file reached through `use` lines.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { posix, sep } from 'node:path';
import { parse, resolveUse, type ParseResult, type SourceFile } from '../../../grammar/src/index.js';
import { CliError, describeIoError } from './errors.js';

export interface LoadedFiles {
  /** The named files (folders expanded, sorted), then the `use`d ones in the order found. */
  readonly sources: readonly SourceFile[];
  /** Each source parsed once here; `analyze` reuses these instead of parsing again. */
  readonly parsed: ReadonlyMap<string, ParseResult>;
}

/**
 * Loads the files named by `paths` (relative to the current directory, or absolute).
 * A file is identified by its POSIX path as typed or as found, normalised (`./a.surv`
 * is `a.surv`) because `resolveUse` normalises the paths it builds and both must meet.
 * Throws `CliError` for a path that cannot be read; a `use` target that cannot be read
 * is left out, and the core reports it (SURV004) where the `use` line is.
 */
export function loadFiles(paths: readonly string[]): LoadedFiles {
  const texts = new Map<string, string>();
  for (const typed of paths) {
    for (const path of expand(typed)) {
      if (!texts.has(path)) texts.set(path, readNamed(path));
    }
  }
  const parsed = new Map<string, ParseResult>();
  // The map grows while it is walked: each newly read `use` target is parsed in turn.
  for (const [uri, text] of texts) {
    const result = parse(text, uri);
    parsed.set(uri, result);
    for (const use of result.ast.uses) {
      if (!use.path) continue;
      const target = resolveUse(uri, use.path.text);
      if (texts.has(target)) continue;
      const used = readUsed(target);
      if (used !== undefined) texts.set(target, used);
    }
  }
  return { sources: [...texts].map(([uri, text]) => ({ uri, text })), parsed };
}

/** The path as the core will name it: forward slashes, no `./`, no trailing slash. */
export function normalisePath(typed: string): string {
  const slashed = sep === '\\' ? typed.replaceAll('\\', '/') : typed;
  const normal = posix.normalize(slashed);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** One command-line path: a file as is (whatever its extension), a folder as its `.surv` files. */
function expand(typed: string): string[] {
  const path = normalisePath(typed);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new CliError(describeIoError(typed, error));
  }
  if (!isDirectory) return [path];
  const found: string[] = [];
  walk(path, found, new Set());
  if (found.length === 0) throw new CliError(`no .surv files in '${typed}'`);
  // Plain code-unit order, the same order the core sorts diagnostics by URI.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Collects `*.surv` files below `dir`. Hidden entries (`.git`, editor lock files such
 * as `.#x.surv`) and `node_modules` are never part of a fleet, so they are skipped;
 * symbolic links are followed, each real folder once, so a link cycle ends.
 */
function walk(dir: string, found: string[], seen: Set<string>): void {
  let entries;
  try {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError(describeIoError(dir, error));
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = posix.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        // A dangling link named *.surv is kept, so reading it reports the problem.
        isDirectory = false;
      }
    }
    if (isDirectory) walk(path, found, seen);
    else if (entry.name.endsWith('.surv')) found.push(path);
  }
}

function readNamed(path: string): string {
  try {
    return stripBom(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(describeIoError(path, error));
  }
}

function readUsed(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? stripBom(readFileSync(path, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** Editors drop a UTF-8 byte order mark before the language server sees the text; so do we, or columns would differ. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
