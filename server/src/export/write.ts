// Puts a bundle on disk all at once: written into a temporary folder beside the target,
// then renamed into place, so a crash or an error never leaves half a bundle. The
// optional archive is a deterministic .tar.gz (fixed mtime, no owner, sorted entries).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { ExportError, type BundleFile } from './types.js';

/** Files of the output folder, paths relative to it (`a/b.txt` for a fleet). */
export type OutputFile = BundleFile;

/** True for a folder surv may replace: empty, or a previous surv bundle (its manifest.json says so). */
function replaceable(dir: string): boolean {
  const entries = readdirSync(dir);
  if (entries.length === 0) return true;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { tool?: unknown };
    return manifest.tool === 'surv';
  } catch {
    return false;
  }
}

/** Refuses early (before any work) an output folder that exists and is not surv's. */
export function checkOutput(dir: string): void {
  const target = resolve(dir);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new ExportError(`'${dir}' exists and is not a folder`);
  if (!replaceable(target)) throw new ExportError(`'${dir}' exists and is not a surv bundle: refusing to replace it (remove it, or choose another --out)`);
}

function sortedDirs(files: readonly OutputFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    for (let d = dirname(f.path); d !== '.' && d !== ''; d = dirname(d)) dirs.add(d);
  }
  return [...dirs].sort();
}

function writeInto(folder: string, files: readonly OutputFile[]): void {
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

/** Writes `files` as the folder `dir`, replacing a previous bundle there; all or nothing. */
export function writeBundleDir(dir: string, files: readonly OutputFile[], archive: boolean): { archivePath: string | undefined } {
  const target = resolve(dir);
  const parent = dirname(target);
  const name = basename(target);
  checkOutput(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${name}.tmp-`));
  const archivePath = archive ? join(parent, `${name}.tar.gz`) : undefined;
  let archiveTmp: string | undefined;
  try {
    writeInto(tmp, files);
    if (archivePath) archiveTmp = writeArchive(tmp, name, files, archivePath);
    if (existsSync(target)) {
      const old = mkdtempSync(join(parent, `.${name}.old-`));
      renameSync(target, old);
      try {
        renameSync(tmp, target);
      } catch (error) {
        renameSync(old, target);
        throw error;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
    if (archiveTmp && archivePath) renameSync(archiveTmp, archivePath);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (archiveTmp) rmSync(archiveTmp, { force: true });
    throw error;
  }
  return { archivePath };
}

/** `NAME/...` entries of `folder`, sorted, as one gzip'd tar beside `out`; returns that temporary file. */
function writeArchive(folder: string, name: string, files: readonly OutputFile[], out: string): string {
  const entries = [...sortedDirs(files), ...files.map((f) => f.path)].sort();
  const tarTmp = join(folder, '..', `.${name}.tar-${process.pid}`);
  try {
    tar.create({
      sync: true, file: tarTmp, cwd: folder, prefix: name, portable: true, noDirRecurse: true,
      mtime: new Date(0), noPax: true,
    }, entries);
    const gz = gzipSync(readFileSync(tarTmp), { level: 9 });
    const outTmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
    writeFileSync(outTmp, gz);
    chmodSync(outTmp, 0o644);
    return outTmp;
  } finally {
    rmSync(tarTmp, { force: true });
  }
}

export { ExportError };
