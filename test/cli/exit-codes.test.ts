import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, root, surv, twoErrors, warningOnly } from './helpers.js';

const files = fixture({
  'clean.surv': cleanBranch('alpha', 1),
  'errors.surv': twoErrors,
  'warning.surv': warningOnly,
  'empty/readme.txt': 'no designs here\n',
  // Bytes that are not .surv at all: the checker must report, never crash.
  'garbage.surv': '\u0000\u00ff{{{ "unterminated \\q \n}}} branch { lan / ] ::: \uffff',
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

/** A stack trace line, which bad input must never produce. */
const stackLine = /^\s+at /m;

describe('surv exit codes', () => {
  it('0 for a clean file', () => {
    expect(surv(['check', 'clean.surv'], files.dir).status).toBe(0);
  });

  it('0 when there are warnings only', () => {
    const run = surv(['check', 'warning.surv'], files.dir);
    expect(run.stdout).toContain('warning SURV059');
    expect(run.status).toBe(0);
  });

  it('1 when any finding is an error', () => {
    expect(surv(['check', 'clean.surv', 'errors.surv'], files.dir).status).toBe(1);
  });

  it('1, with diagnostics and no stack trace, for garbage input', () => {
    const run = surv(['check', 'garbage.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^garbage\.surv:1:1: error SURV00\d: /);
    expect(run.stdout + run.stderr).not.toMatch(stackLine);
  });

  it('2 for a path that does not exist, with a plain message', () => {
    const run = surv(['check', 'clean.surv', 'missing.surv'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("surv: cannot read 'missing.surv': no such file or directory\n");
  });

  it('2 for a folder without .surv files', () => {
    const run = surv(['check', 'empty'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: no .surv files in 'empty'\n");
  });

  it('2 for an unknown option', () => {
    const run = surv(['check', '--bogus', 'clean.surv'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^surv: unknown option '--bogus'/);
    expect(run.stderr).not.toMatch(stackLine);
  });

  it('2 for an unknown format', () => {
    const run = surv(['check', '--format', 'xml', 'clean.surv'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("argument 'xml' is invalid");
  });

  it('2 when no path is given', () => {
    const run = surv(['check'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("missing required argument 'paths'");
  });

  it('2 for no command or an unknown command', () => {
    expect(surv([], files.dir).status).toBe(2);
    const run = surv(['chek', 'clean.surv'], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown command 'chek'");
  });
});

describe('surv --version and --help', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = surv(['--version']);
    expect(run).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands', () => {
    const run = surv(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: surv /);
    expect(run.stdout).toContain('check');
  });

  it('check --help lists the options', () => {
    const run = surv(['check', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: surv check \[options\] <paths\.\.\.>/);
    expect(run.stdout).toContain('--format');
    expect(run.stdout).toContain('--quiet');
  });
});
