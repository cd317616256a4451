// Puts a bundle on disk all at once: written into a temporary folder beside the target,
// then swapped into place, so a crash or an error never leaves half a bundle. The
// optional archive is a deterministic .tar.gz (fixed mtime, no owner, sorted entries).
//
// The swap is two renames (DIR -> .DIR.old-XXXXXXXX, then the new folder -> DIR): Node
// has no renameat2(RENAME_EXCHANGE). A kill between them leaves no DIR but a complete
// .DIR.old-*; every export starts by putting such a leftover back (recoverOutput), so a
// crash never loses the previous bundle.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { ExportError, type BundleFile } from '../engines/export/types.js';

/** Files of the output folder, paths relative to it (`a/b.txt` for a fleet). */
export type OutputFile = BundleFile;

/** The points between the renames of the swap; a test makes one fail to see the rollback. */
export type WriteStep = 'written' | 'moved-aside' | 'moved-in';

export interface WriteSeam {
  /** Called after each step; a throw there is a failure at that point. */
  readonly after?: (step: WriteStep) => void;
}

export interface WriteResult {
  readonly archivePath: string | undefined;
  /** What the start of the export repaired (a bundle put back after a crash). */
  readonly notes: readonly string[];
}

/** A manifest bigger than this is not one surv wrote. */
const manifestLimit = 4 * 1024 * 1024;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFile()) return 'a file';
  return 'a special file';
}

/** manifest.json of `dir` when it is a regular file of sane size holding surv's JSON. */
function readManifest(dir: string): Record<string, unknown> | undefined {
  const path = join(dir, 'manifest.json');
  const stats = lstatOrUndefined(path);
  if (!stats?.isFile() || stats.size > manifestLimit) return undefined;
  // Read through one descriptor with a bound: the size can change between lstat and read.
  const fd = openSync(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(stats.size + 1);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    if (read > stats.size) return undefined;
    text = buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const manifest = value as Record<string, unknown>;
    return manifest['tool'] === 'surv' ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** The string field `key` of each object of the array `list`. */
function names(list: unknown, key: string, strip = ''): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const value = (item as Record<string, unknown>)[key];
    if (typeof value === 'string') out.add(strip !== '' && value.endsWith(strip) ? value.slice(0, -strip.length) : value);
  }
  return out;
}

/**
 * Why `dir` (a surv bundle or fleet folder) holds something its manifest does not
 * account for: the first such entry (a path relative to the top) and what is wrong
 * with it; undefined when every entry is a file or folder the previous export wrote.
 */
function foreignEntry(dir: string, prefix: string): string | undefined {
  const manifest = readManifest(dir);
  const entries = readdirSync(dir).sort();
  if (!manifest) return `'${prefix}${entries.includes('manifest.json') ? 'manifest.json' : entries[0] ?? ''}', which is not a surv manifest`;
  const fleet = Array.isArray(manifest['branches']);
  const files = fleet ? new Set<string>() : names(manifest['files'], 'path');
  files.add('manifest.json');
  if (!fleet) files.add('SHA256SUMS');
  const folders = fleet ? names(manifest['branches'], 'path', '/') : new Set<string>();
  // A manifest whose files lie in folders (the Ansible project: roles/..., bundles/...).
  if (!fleet && [...files].some((f) => f.includes('/'))) return unlistedEntry(dir, prefix, files);
  for (const entry of entries) {
    const stats = lstatSync(join(dir, entry));
    const shown = `${prefix}${entry}`;
    if (files.has(entry)) {
      if (!stats.isFile()) return `'${shown}', ${kindOf(stats)} where the previous export wrote a file`;
    } else if (folders.has(entry) && !entry.includes('/') && entry !== '..' && entry !== '.') {
      if (!stats.isDirectory() || stats.isSymbolicLink()) return `'${shown}', ${kindOf(stats)} where the previous export wrote a folder`;
      const inner = foreignEntry(join(dir, entry), `${shown}/`);
      if (inner !== undefined) return inner;
    } else {
      return `'${shown}', which the previous export did not write`;
    }
  }
  return undefined;
}

/**
 * The first entry below `dir` that is none of `paths` (files, relative to `dir`) nor a
 * folder on the way to one of them; undefined when there is none.
 */
function unlistedEntry(dir: string, prefix: string, paths: ReadonlySet<string>): string | undefined {
  for (const entry of readdirSync(dir).sort()) {
    const stats = lstatSync(join(dir, entry));
    const shown = `${prefix}${entry}`;
    const inside = new Set([...paths].filter((p) => p.startsWith(`${entry}/`)).map((p) => p.slice(entry.length + 1)));
    if (paths.has(entry)) {
      if (!stats.isFile()) return `'${shown}', ${kindOf(stats)} where the previous export wrote a file`;
    } else if (inside.size > 0) {
      if (!stats.isDirectory() || stats.isSymbolicLink()) return `'${shown}', ${kindOf(stats)} where the previous export wrote a folder`;
      const inner = unlistedEntry(join(dir, entry), `${shown}/`, inside);
      if (inner !== undefined) return inner;
    } else {
      return `'${shown}', which the previous export did not write`;
    }
  }
  return undefined;
}

/** `.NAME.old-*` and the temporary files of an export of NAME, in `parent`. */
function leftovers(parent: string, name: string): { old: string[]; temporary: string[] } {
  let entries: string[];
  try {
    entries = readdirSync(parent).sort();
  } catch {
    return { old: [], temporary: [] };
  }
  const old = entries.filter((e) => e.startsWith(`.${name}.old-`));
  const temporary = entries.filter((e) => e.startsWith(`.${name}.tmp-`) || e.startsWith(`.${name}.tar-`) || e.startsWith(`.${name}.tar.gz.tmp-`));
  return { old, temporary };
}

/**
 * Repairs what an export killed half-way left beside `dir`: a previous bundle moved
 * aside with no new one in its place is put back; temporary folders and a bundle
 * already replaced are removed. Returns one note per repair.
 */
export function recoverOutput(dir: string): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  const name = basename(target);
  const { old, temporary } = leftovers(parent, name);
  const notes: string[] = [];
  for (const t of temporary) {
    rmSync(join(parent, t), { recursive: true, force: true });
    notes.push(`removed '${t}', left by an interrupted export`);
  }
  const bundles = old.filter((o) => {
    const stats = lstatSync(join(parent, o));
    return stats.isDirectory() && foreignEntry(join(parent, o), '') === undefined;
  });
  if (lstatOrUndefined(target) === undefined) {
    if (bundles.length > 1) {
      throw new ExportError(`'${dir}' is missing and several interrupted exports left a previous bundle beside it (${bundles.join(', ')}): rename the right one to '${name}'`);
    }
    const [back] = bundles;
    if (back !== undefined) {
      renameSync(join(parent, back), target);
      notes.push(`put the previous bundle back into '${dir}' from '${back}', left by an interrupted export`);
    }
    return notes;
  }
  // DIR is there: the crash came after the new bundle moved in, the old one is garbage.
  for (const o of bundles) {
    rmSync(join(parent, o), { recursive: true, force: true });
    notes.push(`removed '${o}', the bundle an interrupted export had replaced`);
  }
  return notes;
}

/**
 * Refuses early (before any work) an output that surv must not replace: DIR a symbolic
 * link, not a folder, or holding anything the previous export did not write; with
 * `archive`, DIR.tar.gz anything but a regular file. Repairs an interrupted export's
 * leftovers first (recoverOutput) and returns its notes.
 */
export function checkOutput(dir: string, archive = false): string[] {
  const target = resolve(dir);
  const notes = recoverOutput(dir);
  const stats = lstatOrUndefined(target);
  if (stats?.isSymbolicLink()) {
    throw new ExportError(`'${dir}' is a symbolic link: refusing to replace it (give the folder itself as --out)`);
  }
  if (stats && !stats.isDirectory()) throw new ExportError(`'${dir}' exists and is not a folder`);
  if (stats && readdirSync(target).length > 0) {
    if (!readManifest(target)) {
      throw new ExportError(`'${dir}' exists and is not a surv bundle: refusing to replace it (remove it, or choose another folder)`);
    }
    const foreign = foreignEntry(target, '');
    if (foreign !== undefined) {
      throw new ExportError(`'${dir}' holds ${foreign}: refusing to replace it (move that away, or choose another folder)`);
    }
  }
  if (archive) {
    const archiveStats = lstatOrUndefined(`${target}.tar.gz`);
    if (archiveStats && !archiveStats.isFile()) {
      throw new ExportError(`'${dir}.tar.gz' is ${kindOf(archiveStats)}: refusing to replace it with the archive`);
    }
  }
  return notes;
}

function sortedDirs(files: readonly OutputFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    for (let d = dirname(f.path); d !== '.' && d !== ''; d = dirname(d)) dirs.add(d);
  }
  return [...dirs].sort();
}

function writeInto(folder: string, files: readonly OutputFile[]): void {
  // Bundle paths are built from checked names; this keeps a future slip from writing
  // outside the bundle's folder.
  const outside = files.find((f) => isAbsolute(f.path) || f.path.split(/[\\/]/).includes('..'));
  if (outside) throw new ExportError(`refusing to write '${outside.path}': a bundle file must stay inside its folder`);
  for (const d of sortedDirs(files)) {
    mkdirSync(join(folder, d), { recursive: true });
    chmodSync(join(folder, d), 0o755);
  }
  for (const f of files) {
    const path = join(folder, f.path);
    writeFileSync(path, f.content, 'utf8');
    // Explicit, so the bundle (and the archive) does not depend on the umask.
    chmodSync(path, f.mode);
  }
  chmodSync(folder, 0o755);
}

/**
 * Writes `files` as the folder `dir`, replacing a previous bundle there; all or nothing,
 * the archive included: on any failure DIR and DIR.tar.gz are as they were and no
 * temporary file is left.
 */
export function writeBundleDir(dir: string, files: readonly OutputFile[], archive: boolean, seam: WriteSeam = {}): WriteResult {
  const target = resolve(dir);
  const parent = dirname(target);
  const name = basename(target);
  const notes = checkOutput(dir, archive);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${name}.tmp-`));
  const archivePath = archive ? `${target}.tar.gz` : undefined;
  const old = lstatOrUndefined(target) ? join(parent, `.${name}.old-${randomBytes(4).toString('hex')}`) : undefined;
  let archiveTmp: string | undefined;
  let movedAside = false;
  let movedIn = false;
  try {
    writeInto(tmp, files);
    if (archivePath) archiveTmp = writeArchive(tmp, name, files, archivePath);
    seam.after?.('written');
    if (old) {
      renameSync(target, old);
      movedAside = true;
      seam.after?.('moved-aside');
    }
    renameSync(tmp, target);
    movedIn = true;
    seam.after?.('moved-in');
    // Last, and atomic: when it fails the old archive is intact and DIR goes back below.
    if (archiveTmp && archivePath) renameSync(archiveTmp, archivePath);
    archiveTmp = undefined;
  } catch (error) {
    if (movedIn) renameSync(target, tmp);
    if (movedAside && old) renameSync(old, target);
    rmSync(tmp, { recursive: true, force: true });
    if (archiveTmp) rmSync(archiveTmp, { force: true });
    throw error;
  }
  if (old) {
    try {
      rmSync(old, { recursive: true, force: true });
    } catch {
      // The new bundle is in place: what is left of the old one goes at the next export (recoverOutput).
    }
  }
  return { archivePath, notes };
}

/** `NAME/...` entries of `folder`, sorted, as one gzip'd tar beside `out`; returns that temporary file. */
function writeArchive(folder: string, name: string, files: readonly OutputFile[], out: string): string {
  const entries = [...sortedDirs(files), ...files.map((f) => f.path)].sort();
  const tarTmp = join(dirname(folder), `.${name}.tar-${process.pid}`);
  try {
    tar.create({
      sync: true, file: tarTmp, cwd: folder, prefix: name, portable: true, noDirRecurse: true,
      mtime: new Date(0), noPax: true,
    }, entries);
    const gz = gzipSync(readFileSync(tarTmp), { level: 9 });
    const outTmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
    try {
      writeFileSync(outTmp, gz);
      chmodSync(outTmp, 0o644);
    } catch (error) {
      rmSync(outTmp, { force: true });
      throw error;
    }
    return outTmp;
  } finally {
    rmSync(tarTmp, { force: true });
  }
}

export { ExportError };
