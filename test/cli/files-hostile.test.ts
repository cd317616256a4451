// What `surv check` reads from disk (docs/security.md): hostile entries in a cloned
// repository (a FIFO, links to /dev/zero, link loops, two links to `.`) and `use`
// lines reaching outside the root. Every run is bounded by a timeout, so a
// regression to "hangs" or "grows until bad_alloc" fails here rather than hanging.
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, lines, survBin } from './helpers.js';

const secret = 'SURV-SECRET-7f3a9c';

const files = fixture({
  // Outside the root the runs below use (cwd = work/): never read, never echoed.
  'outside/secret.surv': `${secret} branch leak {}\n`,
  'outside/token.txt': `${secret}\n`,
  'work/fleet/a.surv': cleanBranch('alpha', 1),
  'work/fleet/sub/b.surv': cleanBranch('bravo', 2),
  'work/uses/dotdot.surv': `use "../../outside/secret.surv"\n${cleanBranch('delta', 4)}`,
  'work/uses/proc.surv': `use "/proc/self/environ"\n${cleanBranch('echo', 5)}`,
  'work/uses/zero.surv': `use "/dev/zero"\n${cleanBranch('foxtrot', 6)}`,
  'work/uses/notes.surv': `use "notes.txt"\n${cleanBranch('golf', 7)}`,
  'work/uses/notes.txt': `${secret}\n`,
  'work/uses/pipe-user.surv': `use "pipe.surv"\n${cleanBranch('hotel', 8)}`,
  'work/uses/big-user.surv': `use "big.surv"\n${cleanBranch('india', 9)}`,
  'work/bom/bom.surv': `\ufeff${cleanBranch('juliett', 10)}`,
});

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr.toString()}`);
}

const work = join(files.dir, 'work');

beforeAll(async () => {
  await ensureBuilt();
  // The absolute path is only known now.
  writeFileSync(join(work, 'uses/absolute.surv'), `use "${join(files.dir, 'outside/token.txt')}"\n${cleanBranch('charlie', 3)}`);
  mkfifo(join(work, 'fleet/p.surv'));
  mkfifo(join(work, 'uses/pipe.surv'));
  mkfifo(join(work, 'named.surv'));
  symlinkSync('/dev/zero', join(work, 'fleet/x.surv'));
  symlinkSync('loop.surv', join(work, 'fleet/loop.surv'));
  symlinkSync('.', join(work, 'fleet/dot1'));
  symlinkSync('.', join(work, 'fleet/dot2'));
  symlinkSync('..', join(work, 'fleet/sub/up'));
  writeFileSync(join(work, 'uses/big.surv'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
});
afterAll(files.cleanup);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `surv ARGS` in work/, killed after 20 s: a hang fails the test. */
function surv(args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [survBin, ...args], {
    cwd: work, encoding: 'utf8', timeout: 20_000, env: { ...process.env, SURV_DEBUG: '', ...env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const outsideRoot = 'outside the root (surv reads only files inside the folders it was given)';

describe('surv check: hostile entries in a folder', () => {
  it('a FIFO, a link to /dev/zero and a link loop are each a located error; two links to . and a link to .. add nothing', () => {
    const run = surv(['check', 'fleet']);
    expect(lines(run.stdout)).toEqual([
      'fleet/loop.surv:1:1: error SURV007: not read: a symbolic link loop',
      'fleet/p.surv:1:1: error SURV007: not read: not a regular file (a FIFO)',
      `fleet/x.surv:1:1: error SURV006: not read: ${outsideRoot}`,
    ]);
    expect(run.stderr).toBe('3 errors in 5 files\n');
    expect(run.status).toBe(1);
  });

  it('the same in JSON: the good files are checked, once each', () => {
    const run = surv(['check', '--format', 'json', 'fleet']);
    const report = JSON.parse(run.stdout) as { files: string[]; diagnostics: { code: string }[] };
    expect(report.files).toEqual(['fleet/a.surv', 'fleet/loop.surv', 'fleet/p.surv', 'fleet/sub/b.surv', 'fleet/x.surv']);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['SURV007', 'SURV007', 'SURV006']);
  });

  it('a FIFO named on the command line is an I/O error (exit 2), not a hang', () => {
    const run = surv(['check', 'named.surv']);
    expect(run.stderr).toBe("surv: cannot read 'named.surv': not a regular file (a FIFO)\n");
    expect(run.status).toBe(2);
  });

  it('/dev/zero named on the command line is an I/O error (exit 2), not a 3.5 GB read', () => {
    const run = surv(['check', '/dev/zero']);
    expect(run.stderr).toBe("surv: cannot read '/dev/zero': not a regular file (a character device)\n");
    expect(run.status).toBe(2);
  });

  it('a file with a UTF-8 byte order mark is read without it', () => {
    const run = surv(['check', 'bom/bom.surv']);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('surv check: `use` reads only regular .surv files inside the root, and never echoes a refused one', () => {
  const cases: readonly [string, string][] = [
    ['uses/absolute.surv', `uses/absolute.surv:1:5: error SURV006: cannot use '<abs>': ${outsideRoot}`],
    ['uses/dotdot.surv', `uses/dotdot.surv:1:5: error SURV006: cannot use '../../outside/secret.surv': ${outsideRoot}`],
    ['uses/proc.surv', `uses/proc.surv:1:5: error SURV006: cannot use '/proc/self/environ': ${outsideRoot}`],
    ['uses/zero.surv', `uses/zero.surv:1:5: error SURV006: cannot use '/dev/zero': ${outsideRoot}`],
    ['uses/notes.surv', "uses/notes.surv:1:5: error SURV007: cannot use 'notes.txt': not a .surv file"],
    ['uses/pipe-user.surv', "uses/pipe-user.surv:1:5: error SURV007: cannot use 'pipe.surv': not a regular file (a FIFO)"],
    ['uses/big-user.surv', "uses/big-user.surv:1:5: error SURV007: cannot use 'big.surv': larger than 4 MiB (5 MiB)"],
  ];

  it.each(cases)('%s', (file, expected) => {
    const run = surv(['check', file], { SURV_SECRET_FOR_TEST: secret });
    const want = expected.replace('<abs>', join(files.dir, 'outside/token.txt'));
    expect(lines(run.stdout)).toEqual([want]);
    expect(run.status).toBe(1);
    for (const format of ['json', 'sarif']) {
      const other = surv(['check', '--format', format, file], { SURV_SECRET_FOR_TEST: secret });
      expect(other.status).toBe(1);
      expect(other.stdout + other.stderr).not.toContain(secret);
    }
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('simulate, verify and export refuse such a design the same way, and echo nothing', () => {
    for (const args of [['simulate', 'uses/dotdot.surv'], ['verify', 'uses/dotdot.surv'], ['export', 'uses/dotdot.surv', '--target', 'debian', '--out', 'out-dotdot']]) {
      const run = surv(args);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stdout + run.stderr, args.join(' ')).toContain("SURV006: cannot use '../../outside/secret.surv'");
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });
});
