// The only way surv reads a design from disk (docs/security.md, "What surv reads from
// disk"). A path is resolved with realpath and checked against the roots before it is
// opened; it is opened non-blocking and without following a last symbolic link, and
// the opened descriptor is checked, so a FIFO, a device or a link swapped in after the
// check never blocks or streams; at most a bounded number of bytes is read.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { sep } from 'node:path';

export interface Limits {
  /** Largest file read, in bytes. */
  readonly fileBytes: number;
  /** All files of one load together, in bytes. */
  readonly totalBytes: number;
  /** Directory entries one folder walk may look at. */
  readonly walkEntries: number;
  /** Folder levels one walk may descend. */
  readonly walkDepth: number;
}

export const limits: Limits = {
  fileBytes: 4 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  walkEntries: 100_000,
  walkDepth: 32,
};

/** Bytes left to read in one load (CLI run, workspace scan, export request). */
export class Budget {
  private used = 0;
  constructor(readonly total: number = limits.totalBytes) {}
  fits(bytes: number): boolean {
    return this.used + bytes <= this.total;
  }
  spend(bytes: number): void {
    this.used += bytes;
  }
}

/** SURV006: outside every root. SURV007: not a regular file, too large, unreadable, not a .surv file. */
export type RefusalCode = 'SURV006' | 'SURV007';

export type ReadOutcome =
  | { readonly kind: 'text'; readonly text: string; readonly real: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly reason: string };

export interface ReadRules {
  /** Real paths of the folders files may be read from; undefined: anywhere (a file named on the command line). */
  readonly roots?: readonly string[];
  /** Only files whose real name ends in `.surv` (what `use` may name). */
  readonly survOnly?: boolean;
  readonly budget: Budget;
  readonly limits?: Limits;
}

/** The reason given for SURV006, the same wherever a path is checked. */
export const outsideRoot = 'outside the root (surv reads only files inside the folders it was given)';

const mib = (bytes: number) => (bytes < 1024 * 1024
  ? `${Math.round((bytes / 1024) * 10) / 10} KiB`
  : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`);

/** The real path of `path`, or undefined when it does not exist (or cannot be resolved). */
export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** `real` is `root` or below it (both real, absolute paths). */
export function isInside(real: string, root: string): boolean {
  if (real === root) return true;
  return real.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refused(code: RefusalCode, reason: string): ReadOutcome {
  return { kind: 'refused', code, reason };
}

const errnoReasons: Readonly<Record<string, string>> = {
  ELOOP: 'a symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder',
  ENXIO: 'not a regular file',
  ENAMETOOLONG: 'file name too long',
};

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined ? errnoReasons[code] : undefined) ?? `cannot be read (${code ?? 'error'})`;
}

/**
 * Reads `path` under `rules`. Never blocks on a special file, never reads more than
 * the file limit plus one byte, and never returns any byte of a refused file: a
 * refusal's reason names the kind of problem only.
 */
export function readDesign(path: string, rules: ReadRules): ReadOutcome {
  const max = (rules.limits ?? limits).fileBytes;
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return refused('SURV007', errnoReason(error));
  }
  if (rules.roots && !rules.roots.some((root) => isInside(real, root))) {
    return refused('SURV006', outsideRoot);
  }
  if (rules.survOnly && !real.endsWith('.surv')) return refused('SURV007', 'not a .surv file');
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    // O_NOFOLLOW: a link put in place of the checked real path is not followed.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  } catch (error) {
    return refused('SURV007', errnoReason(error));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refused('SURV007', `not a regular file (${kindOf(stats)})`);
    if (stats.size > max) return refused('SURV007', `larger than ${mib(max)} (${mib(stats.size)})`);
    if (!rules.budget.fits(stats.size)) return refused('SURV007', `the files read together would exceed ${mib(rules.budget.total)}`);
    // A file may grow, or report size 0 and still hold bytes (/proc): read to the limit, no further.
    let buffer = Buffer.alloc(Math.min(max + 1, stats.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > max) return refused('SURV007', `larger than ${mib(max)}`);
        const grown = Buffer.alloc(Math.min(max + 1, Math.max(64 * 1024, buffer.length * 2)));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (!rules.budget.fits(length)) return refused('SURV007', `the files read together would exceed ${mib(rules.budget.total)}`);
    rules.budget.spend(length);
    return { kind: 'text', text: stripBom(buffer.toString('utf8', 0, length)), real };
  } catch (error) {
    return refused('SURV007', errnoReason(error));
  } finally {
    closeSync(fd);
  }
}

/** Editors drop a UTF-8 byte order mark before the language server sees the text; so do we, or columns would differ. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
