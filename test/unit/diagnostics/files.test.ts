// What the one loader (io/files) refuses to read, as the core reports it:
// SURV006 (a `use` outside the root), SURV007 (not a regular .surv file, too large,
// unreadable), both at the `use` path or, for a file found by a folder walk, at its
// start; and SURV009, the language server's cap on diagnostics per document.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, type SurvDiagnostic } from '../../../grammar/src/index.js';
import { followUses, unreadSource } from '../../../io/files/load.js';
import { Budget, readDesign } from '../../../io/files/read.js';
import { findDesigns } from '../../../io/files/walk.js';
import { capDiagnostics } from '../../../server/src/lsp/diagnostic-cap.js';
import { BASE } from './helper.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'surv-files-')));
const root = join(dir, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
writeFileSync(join(dir, 'secret.surv'), 'SECRET-TOKEN profile p {}\n');
writeFileSync(join(root, 'profile.surv'), 'profile p {}\n');
writeFileSync(join(root, 'notes.txt'), 'SECRET-TOKEN\n');
writeFileSync(join(root, 'big.surv'), `# ${'x'.repeat(2048)}\n`);
spawnSync('mkfifo', [join(root, 'pipe.surv')]);
symlinkSync('/dev/zero', join(root, 'zero.surv'));
symlinkSync('../secret.surv', join(root, 'link.surv'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const limits = { fileBytes: 1024, totalBytes: 64 * 1024, walkEntries: 1000, walkDepth: 8 };

/** Analyses `text` as root/main.surv with its `use` lines followed by the loader. */
function check(text: string): SurvDiagnostic[] {
  const loaded = followUses([{ uri: join(root, 'main.surv'), text }], { roots: [root], budget: new Budget(), limits, pathOf: (p) => p });
  return analyze(loaded.sources, { parsed: loaded.parsed }).diagnostics.filter((d) => d.code !== 'SURV015');
}

const at = (line: number, from: number, to: number) => ({ start: { line, character: from }, end: { line, character: to } });
const shape = (d: SurvDiagnostic) => ({ code: d.code, severity: d.severity, message: d.message, range: { start: { line: d.range.start.line, character: d.range.start.character }, end: { line: d.range.end.line, character: d.range.end.character } } });

describe('SURV006 use outside the root', () => {
  it('reports a relative path leaving the root, at the path, without reading it', () => {
    expect(check(`use "../secret.surv"\n${BASE}`).map(shape)).toEqual([{
      code: 'SURV006', severity: 'error', range: at(0, 4, 20),
      message: "cannot use '../secret.surv': outside the root (surv reads only files inside the folders it was given)",
    }]);
  });

  it('checks where a symbolic link leads, not its name', () => {
    expect(check(`use "link.surv"\n${BASE}`).map((d) => [d.code, d.message])).toEqual([
      ['SURV006', "cannot use 'link.surv': outside the root (surv reads only files inside the folders it was given)"],
    ]);
  });

  it('reports an absolute path outside the root (/dev/zero)', () => {
    expect(check(`use "/dev/zero"\n${BASE}`).map((d) => d.code)).toEqual(['SURV006']);
  });
});

describe('SURV007 not a regular .surv file', () => {
  it('a file reached again through a link to a folder above it is not read again (found by the fuzzer: it never ended)', () => {
    symlinkSync('.', join(root, 'loop'));
    const self = `use "loop/self.surv"\nuse "loop/profile.surv"\nuse "profile.surv"\n${BASE}`;
    writeFileSync(join(root, 'self.surv'), self);
    const loaded = followUses([{ uri: join(root, 'self.surv'), text: self }], { roots: [root], budget: new Budget(), limits, pathOf: (p) => p });
    expect(loaded.sources.map((s) => [s.uri.slice(root.length + 1), s.unread?.reason])).toEqual([
      ['self.surv', undefined],
      ['loop/self.surv', `the same file as '${join(root, 'self.surv')}', reached again through a link`],
      ['loop/profile.surv', undefined],
      ['profile.surv', `the same file as '${join(root, 'loop/profile.surv')}', reached again through a link`],
    ]);
    rmSync(join(root, 'self.surv'));
  });

  it('reports a FIFO at the path, without blocking', () => {
    expect(check(`use "pipe.surv"\n${BASE}`).map(shape)).toEqual([{
      code: 'SURV007', severity: 'error', range: at(0, 4, 15), message: "cannot use 'pipe.surv': not a regular file (a FIFO)",
    }]);
  });

  it('reports a file that is not a .surv design, and never its content', () => {
    const found = check(`use "notes.txt"\n${BASE}`);
    expect(found.map(shape)).toEqual([{ code: 'SURV007', severity: 'error', range: at(0, 4, 15), message: "cannot use 'notes.txt': not a .surv file" }]);
    expect(JSON.stringify(found)).not.toContain('SECRET');
  });

  it('reports a file over the size limit', () => {
    expect(check(`use "big.surv"\n${BASE}`).map((d) => [d.code, d.message])).toEqual([['SURV007', "cannot use 'big.surv': larger than 1 KiB (2 KiB)"]]);
  });

  it('reports a file found by a folder walk at its start ("not read")', () => {
    const walk = findDesigns(root, { join });
    const sources = walk.files.map((path) => {
      const read = readDesign(path, { roots: [root], survOnly: true, budget: new Budget(), limits });
      return read.kind === 'text' ? { uri: path, text: read.text } : unreadSource(path, read.kind === 'refused' ? read.code : 'SURV007', read.kind === 'refused' ? read.reason : 'missing', true);
    });
    const found = analyze(sources).diagnostics.filter((d) => d.code !== 'SURV015');
    expect(found.map((d) => [d.uri.slice(root.length + 1), d.code, d.message, d.range.start.line, d.range.start.character])).toEqual([
      ['big.surv', 'SURV007', 'not read: larger than 1 KiB (2 KiB)', 0, 0],
      ['link.surv', 'SURV006', 'not read: outside the root (surv reads only files inside the folders it was given)', 0, 0],
      ['pipe.surv', 'SURV007', 'not read: not a regular file (a FIFO)', 0, 0],
      ['zero.surv', 'SURV006', 'not read: outside the root (surv reads only files inside the folders it was given)', 0, 0],
    ]);
  });
});

describe('SURV009 diagnostics not shown', () => {
  const one = (i: number) => ({ range: at(i, 0, 1), severity: 1 as const, code: 'SURV001', source: 'surv', message: `d${i}` });

  it('keeps at most 1,000 diagnostics per document and sums up the rest at the start of the file', () => {
    const capped = capDiagnostics(Array.from({ length: 5000 }, (_, i) => one(i)));
    expect(capped).toHaveLength(1001);
    expect(capped[999]).toEqual(one(999));
    expect(capped[1000]).toEqual({
      code: 'SURV009', severity: 3, source: 'surv', range: at(0, 0, 0),
      message: '4000 more diagnostics not shown (the editor shows the first 1000; surv check lists them all)',
    });
  });

  it('adds nothing up to the cap', () => {
    expect(capDiagnostics(Array.from({ length: 1000 }, (_, i) => one(i)))).toHaveLength(1000);
  });
});
