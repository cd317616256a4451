// The folder walk shared by `surv check DIR` and the language server's workspace scan:
// the `*.surv` entries below a folder. It only lists names; reading them is
// read.ts's job, which refuses what is not a regular file inside the root.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { isInside, limits as defaultLimits, type Limits } from './read.js';

export interface WalkResult {
  /** Paths of the `*.surv` entries, built with `join` from the folder given, in code-unit order. */
  readonly files: string[];
  /** The walk stopped at a bound (entries, depth or `maxFiles`): `files` is incomplete. */
  readonly truncated: boolean;
}

export interface WalkOptions {
  readonly join: (dir: string, name: string) => string;
  readonly limits?: Limits;
  /** Stop after this many files. */
  readonly maxFiles?: number;
}

/**
 * Collects `*.surv` entries below `dir`. Hidden entries (`.git`, editor lock files such
 * as `.#x.surv`) and `node_modules` are never part of a fleet, so they are skipped.
 * Symbolic links to folders are followed when their target is inside `dir`, each real
 * folder once, so a link loop or two links to `.` end; an entry named `*.surv` is
 * listed whatever it is (a FIFO, a link to a device, a dangling link), so reading it
 * reports the problem at its name instead of it vanishing.
 */
export function findDesigns(dir: string, options: WalkOptions): WalkResult {
  const bounds = options.limits ?? defaultLimits;
  const maxFiles = options.maxFiles ?? Number.POSITIVE_INFINITY;
  const files: string[] = [];
  const seen = new Set<string>();
  let entriesLeft = bounds.walkEntries;
  let truncated = false;
  const root = realpathSync(dir);

  const visit = (folder: string, real: string, depth: number): void => {
    if (seen.has(real)) return;
    seen.add(real);
    if (depth > bounds.walkDepth) {
      truncated = true;
      return;
    }
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      // A folder that cannot be listed holds nothing we could read either.
      return;
    }
    for (const entry of entries) {
      if (--entriesLeft < 0 || files.length >= maxFiles) {
        truncated = true;
        return;
      }
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = options.join(folder, entry.name);
      if (entry.isDirectory()) {
        visit(path, options.join(real, entry.name), depth + 1);
        continue;
      }
      if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = statSync(path).isDirectory() ? realpathSync(path) : undefined;
        } catch {
          target = undefined;
        }
        if (target !== undefined) {
          if (isInside(target, root)) visit(path, target, depth + 1);
          continue;
        }
      }
      if (entry.name.endsWith('.surv')) files.push(path);
    }
  };
  visit(dir, root, 0);
  // Plain code-unit order, the same order the core sorts diagnostics by URI.
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files, truncated };
}
