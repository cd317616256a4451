// Turns the paths on the command line into the set of files `analyze` needs: folders
// expanded to their `.surv` files, then every file reached through `use` lines, under
// the rules of io/files (docs/security.md, "What surv reads from disk").
import { statSync } from 'node:fs';
import { posix, sep } from 'node:path';
import type { ParseResult, SourceFile } from '../../grammar/src/index.js';
import { followUses, unreadSource } from '../../io/files/load.js';
import { Budget, limits, readDesign, realPath } from '../../io/files/read.js';
import { findDesigns } from '../../io/files/walk.js';
import { CliError, describeIoError } from './errors.js';

export interface LoadedFiles {
  /**
   * The named files (folders expanded, sorted), then the `use`d ones in the order found.
   * A file surv would not read is here too, empty and marked `unread`, for the core to report.
   */
  readonly sources: readonly SourceFile[];
  /** Each source parsed once here; `analyze` reuses these instead of parsing again. */
  readonly parsed: ReadonlyMap<string, ParseResult>;
}

/**
 * Loads the files named by `paths` (relative to the current directory, or absolute).
 * A file is identified by its POSIX path as typed or as found, normalised (`./a.surv`
 * is `a.surv`) because `resolveUse` normalises the paths it builds and both must meet.
 *
 * The roots `use` may read from are the current directory and each path given (a
 * file's own folder). Throws `CliError` for a named path that cannot be read (exit 2);
 * a bad entry found in a folder (a FIFO, a link to a device or outside the folder) and
 * a `use` target that cannot be read are reported by the core where they are.
 */
export function loadFiles(paths: readonly string[]): LoadedFiles {
  const budget = new Budget();
  const roots = new Set<string>();
  const here = realPath('.');
  if (here !== undefined) roots.add(here);
  const named = new Map<string, SourceFile>();
  for (const typed of paths) {
    const path = normalisePath(typed);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      throw new CliError(describeIoError(typed, error));
    }
    const root = realPath(isDirectory ? path : posix.dirname(path));
    if (root === undefined) throw new CliError(`cannot read '${typed}'`);
    roots.add(root);
    if (!isDirectory) {
      if (!named.has(path)) named.set(path, readNamed(path, typed, budget));
      continue;
    }
    const walk = findDesigns(path, { join: posix.join });
    if (walk.truncated) {
      throw new CliError(`'${typed}' has more than ${limits.walkEntries} entries or folders deeper than ${limits.walkDepth} levels: name a smaller folder`);
    }
    if (walk.files.length === 0) throw new CliError(`no .surv files in '${typed}'`);
    for (const file of walk.files) if (!named.has(file)) named.set(file, readFound(file, root, budget));
  }
  return followUses(named.values(), { roots: [...roots], budget, pathOf: (id) => id });
}

/** The path as the core will name it: forward slashes, no `./`, no trailing slash. */
export function normalisePath(typed: string): string {
  const slashed = sep === '\\' ? typed.replaceAll('\\', '/') : typed;
  const normal = posix.normalize(slashed);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** A file named on the command line: read whatever its name, but still only a regular file of bounded size. */
function readNamed(path: string, typed: string, budget: Budget): SourceFile {
  const outcome = readDesign(path, { budget });
  switch (outcome.kind) {
    case 'text': return { uri: path, text: outcome.text };
    case 'missing': throw new CliError(`cannot read '${typed}': no such file or directory`);
    case 'refused': throw new CliError(`cannot read '${typed}': ${outcome.reason}`);
  }
}

/** A `*.surv` entry of a named folder: a problem is a finding at its name, not the end of the run. */
function readFound(path: string, root: string, budget: Budget): SourceFile {
  const outcome = readDesign(path, { roots: [root], survOnly: true, budget });
  switch (outcome.kind) {
    case 'text': return { uri: path, text: outcome.text };
    case 'missing': return unreadSource(path, 'SURV007', 'a symbolic link to nothing', true);
    case 'refused': return unreadSource(path, outcome.code, outcome.reason, true);
  }
}
