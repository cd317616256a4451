// write.ts: what may be replaced (only what the previous export wrote, by its manifest),
// output paths that are links or folders, the archive, and the swap of DIR under a
// failure or a crash between its two renames.
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportBranches, ExportError, type BundleFile } from '../../../engines/export/index.js';
import { checkOutput, recoverOutput, writeBundleDir, type WriteStep } from '../../../io/write-bundle.js';
import { filesUnder } from '../../support/files.js';
import { analyseTexts, bundleOf, plain } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-write-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A fresh parent folder; the output goes to PARENT/out. */
function place(): { parent: string; out: string } {
  const parent = join(work, `p${++n}`);
  mkdirSync(parent);
  return { parent, out: join(parent, 'out') };
}

const one = bundleOf(plain()).files;
const other = bundleOf(plain().replace('phone desk2 101', 'phone desk3 102')).files;

function fleetFiles(): readonly BundleFile[] {
  const texts = {
    'a.surv': plain().replace('branch plain', 'branch alpha'),
    'b.surv': plain().replace('branch plain', 'branch beta').replaceAll('10.1.0.', '10.2.0.').replace('10.1.0.0/24', '10.2.0.0/24'),
  };
  const a = analyseTexts(texts);
  return exportBranches(a.branches, a.sources, { target: 'debian', toolVersion: '9.9.9', fleet: true }).files;
}

/** What the parent folder holds (kind, mode, bytes; a link's target), for before/after comparisons. */
function layout(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    const mode = (stats.mode & 0o777).toString(8);
    if (stats.isSymbolicLink()) out[prefix + name] = `link ${readlinkSync(path)}`;
    else if (stats.isDirectory()) Object.assign(out, { [`${prefix}${name}/`]: `dir ${mode}` }, layout(path, `${prefix}${name}/`));
    else out[prefix + name] = `file ${mode} ${readFileSync(path).toString('base64')}`;
  }
  return out;
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ExportError) return error.message;
    throw error;
  }
  throw new Error('not refused');
}

describe('re-export replaces only what the previous export wrote', () => {
  it('a file the user added beside the bundle: refused, naming it, DIR untouched', () => {
    const { parent, out } = place();
    writeBundleDir(out, one, false);
    writeFileSync(join(out, 'notes.txt'), 'my notes');
    const before = layout(parent);
    expect(refusal(() => writeBundleDir(out, other, false))).toBe(
      `'${out}' holds 'notes.txt', which the previous export did not write: refusing to replace it (move that away, or choose another folder)`,
    );
    expect(layout(parent)).toEqual(before);
  });

  it('a folder the user added (debs/): refused', () => {
    const { out } = place();
    writeBundleDir(out, one, false);
    mkdirSync(join(out, 'debs'));
    writeFileSync(join(out, 'debs', 'kamailio.deb'), 'x');
    expect(refusal(() => checkOutput(out))).toBe(`'${out}' holds 'debs', which the previous export did not write: refusing to replace it (move that away, or choose another folder)`);
  });

  it('a surv manifest copied beside other work (thesis.tex): refused', () => {
    const { out } = place();
    mkdirSync(out);
    writeFileSync(join(out, 'manifest.json'), one.find((f) => f.path === 'manifest.json')!.content);
    writeFileSync(join(out, 'thesis.tex'), '\\documentclass{article}');
    expect(refusal(() => checkOutput(out))).toBe(`'${out}' holds 'thesis.tex', which the previous export did not write: refusing to replace it (move that away, or choose another folder)`);
  });

  it('a listed name of another kind (a folder, a link where a file was): refused', () => {
    const { out } = place();
    writeBundleDir(out, one, false);
    rmSync(join(out, 'README.txt'));
    mkdirSync(join(out, 'README.txt'));
    expect(refusal(() => checkOutput(out))).toBe(`'${out}' holds 'README.txt', a folder where the previous export wrote a file: refusing to replace it (move that away, or choose another folder)`);
    rmSync(join(out, 'README.txt'), { recursive: true });
    symlinkSync('/etc/passwd', join(out, 'README.txt'));
    expect(refusal(() => checkOutput(out))).toBe(`'${out}' holds 'README.txt', a symbolic link where the previous export wrote a file: refusing to replace it (move that away, or choose another folder)`);
  });

  it('a fleet: each branch folder is checked against its own manifest', () => {
    const { parent, out } = place();
    const fleet = fleetFiles();
    writeBundleDir(out, fleet, false);
    writeBundleDir(out, fleet, false);
    writeFileSync(join(out, 'beta', 'notes.txt'), 'mine');
    const before = layout(parent);
    expect(refusal(() => writeBundleDir(out, one, false))).toBe(`'${out}' holds 'beta/notes.txt', which the previous export did not write: refusing to replace it (move that away, or choose another folder)`);
    expect(layout(parent)).toEqual(before);
    rmSync(join(out, 'beta', 'notes.txt'));
    // A fleet folder may become a single bundle and back.
    writeBundleDir(out, one, false);
    expect(readdirSync(out).sort()).toEqual(one.map((f) => f.path));
    writeBundleDir(out, fleet, false);
    expect(readdirSync(out).sort()).toEqual(['alpha', 'beta', 'manifest.json']);
  });

  it('a folder with no surv manifest, and an empty folder', () => {
    const { out } = place();
    mkdirSync(out);
    writeBundleDir(out, one, false);
    const { out: other } = place();
    mkdirSync(other);
    writeFileSync(join(other, 'precious.txt'), 'keep me');
    expect(refusal(() => checkOutput(other))).toBe(`'${other}' exists and is not a surv bundle: refusing to replace it (remove it, or choose another folder)`);
  });
});

describe('output paths', () => {
  it('a bundle file whose path leaves the folder: refused before anything is written, nothing left behind', () => {
    for (const path of ['../escape.txt', '/etc/escape.txt', 'etc/../../escape.txt']) {
      const { parent, out } = place();
      expect(refusal(() => writeBundleDir(out, [...one, { ...one[0]!, path }], false))).toBe(`refusing to write '${path}': a bundle file must stay inside its folder`);
      expect(readdirSync(parent)).toEqual([]);
    }
  });

  it('--out a symbolic link (to an empty folder): refused, nothing left behind', () => {
    const { parent, out } = place();
    mkdirSync(join(parent, 'real'));
    symlinkSync(join(parent, 'real'), out);
    expect(refusal(() => writeBundleDir(out, one, false))).toBe(`'${out}' is a symbolic link: refusing to replace it (give the folder itself as --out)`);
    expect(readdirSync(parent).sort()).toEqual(['out', 'real']);
    expect(readdirSync(join(parent, 'real'))).toEqual([]);
  });

  it('--out a file: refused', () => {
    const { out } = place();
    writeFileSync(out, 'x');
    expect(refusal(() => checkOutput(out))).toBe(`'${out}' exists and is not a folder`);
  });

  it('--archive when DIR.tar.gz is a folder or a link: refused before anything is replaced', () => {
    const { parent, out } = place();
    writeBundleDir(out, one, true);
    rmSync(`${out}.tar.gz`);
    mkdirSync(`${out}.tar.gz`);
    const before = layout(parent);
    expect(refusal(() => writeBundleDir(out, other, true))).toBe(`'${out}.tar.gz' is a folder: refusing to replace it with the archive`);
    expect(layout(parent)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['out', 'out.tar.gz']);
    rmSync(`${out}.tar.gz`, { recursive: true });
    symlinkSync('/tmp', `${out}.tar.gz`);
    const linked = layout(parent);
    expect(refusal(() => writeBundleDir(out, other, true))).toBe(`'${out}.tar.gz' is a symbolic link: refusing to replace it with the archive`);
    expect(layout(parent)).toEqual(linked);
  });
});

describe('the swap under failures and crashes', () => {
  const steps: WriteStep[] = ['written', 'moved-aside', 'moved-in'];

  it.each(steps)('a failure after step %s: DIR and DIR.tar.gz as they were, no temporary file left', (step) => {
    const { parent, out } = place();
    writeBundleDir(out, one, true);
    const before = layout(parent);
    expect(() => writeBundleDir(out, other, true, { after: (s) => { if (s === step) throw new Error(`fault after ${s}`); } })).toThrow(`fault after ${step}`);
    expect(layout(parent)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['out', 'out.tar.gz']);
  });

  it('a failure on a first export leaves no DIR and nothing else', () => {
    const { parent, out } = place();
    expect(() => writeBundleDir(out, one, true, { after: (s) => { if (s === 'moved-in') throw new Error('fault'); } })).toThrow('fault');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a kill between the two renames: the next export puts the previous bundle back first', () => {
    const { parent, out } = place();
    writeBundleDir(out, one, false);
    const previous = filesUnder(out);
    // The crash: a copy of the folder as it is right after DIR was moved aside.
    const crashed = join(work, `crash${++n}`);
    expect(() => writeBundleDir(out, other, false, {
      after: (s) => {
        if (s !== 'moved-aside') return;
        cpSync(parent, crashed, { recursive: true });
        throw new Error('killed');
      },
    })).toThrow('killed');
    const left = readdirSync(crashed).sort();
    expect(left.length).toBe(2);
    expect(left[0]).toMatch(/^\.out\.old-[0-9a-f]{8}$/);
    expect(left[1]).toMatch(/^\.out\.tmp-/);
    const notes = checkOutput(join(crashed, 'out'));
    expect(notes).toEqual([
      `removed '${left[1]}', left by an interrupted export`,
      `put the previous bundle back into '${join(crashed, 'out')}' from '${left[0]}', left by an interrupted export`,
    ]);
    expect(readdirSync(crashed)).toEqual(['out']);
    expect(filesUnder(join(crashed, 'out'))).toEqual(previous);
  });

  it('a kill after the new bundle moved in: the old one left beside it is removed', () => {
    const { parent, out } = place();
    writeBundleDir(out, one, false);
    writeBundleDir(join(parent, 'spare'), one, false);
    renameSync(join(parent, 'spare'), join(parent, '.out.old-0badc0de'));
    expect(recoverOutput(out)).toEqual([`removed '.out.old-0badc0de', the bundle an interrupted export had replaced`]);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('a leftover .DIR.old-* that is not a surv bundle is never removed nor restored', () => {
    const { parent, out } = place();
    mkdirSync(join(parent, '.out.old-12345678'));
    writeFileSync(join(parent, '.out.old-12345678', 'mine.txt'), 'x');
    expect(recoverOutput(out)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(parent, '.out.old-12345678', 'mine.txt'))).toBe(true);
  });
});
