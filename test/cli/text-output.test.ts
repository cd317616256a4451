import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, lines, surv, twoErrors, warningOnly } from './helpers.js';

const files = fixture({
  'two-errors.surv': twoErrors,
  'warning.surv': warningOnly,
  'fleet/a.surv': cleanBranch('alpha', 1),
  // The same branch name again in another file: the finding points back at the first.
  'fleet/b.surv': cleanBranch('alpha', 4),
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('surv check, text format', () => {
  it('prints one `path:line:col: severity CODE: message` line per diagnostic, 1-based', () => {
    const run = surv(['check', 'two-errors.surv'], files.dir);
    expect(lines(run.stdout)).toEqual([
      "two-errors.surv:6:22: error SURV025: '10' needs a unit: 10s or 10ms",
      "two-errors.surv:10:34: error SURV010: no gateway named 'psnt'; did you mean 'pstn'?",
    ]);
    expect(run.stderr).toBe('2 errors in 1 file\n');
    expect(run.status).toBe(1);
  });

  it('indents related information as notes under its diagnostic', () => {
    const run = surv(['check', 'fleet'], files.dir);
    expect(lines(run.stdout)).toEqual([
      "fleet/b.surv:1:8: error SURV011: branch 'alpha' is already defined",
      "  fleet/a.surv:1:8: note: first definition of 'alpha'",
    ]);
    expect(run.status).toBe(1);
  });

  it('summarises errors and warnings across files on stderr', () => {
    const run = surv(['check', 'two-errors.surv', 'warning.surv'], files.dir);
    expect(lines(run.stdout)).toHaveLength(3);
    expect(lines(run.stdout)[2]).toMatch(/^warning\.surv:7:14: warning SURV059: /);
    expect(run.stderr).toBe('2 errors, 1 warning in 2 files\n');
  });

  it('says "no problems" for a clean file, and prints nothing on stdout', () => {
    const run = surv(['check', 'fleet/a.surv'], files.dir);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('no problems in 1 file\n');
    expect(run.status).toBe(0);
  });

  it('--quiet shows errors only and no summary', () => {
    const errors = surv(['check', '--quiet', 'two-errors.surv', 'warning.surv'], files.dir);
    expect(lines(errors.stdout)).toHaveLength(2);
    expect(errors.stdout).not.toContain('warning');
    expect(errors.stderr).toBe('');
    expect(errors.status).toBe(1);
    const warnings = surv(['check', '-q', 'warning.surv'], files.dir);
    expect(warnings.stdout + warnings.stderr).toBe('');
    expect(warnings.status).toBe(0);
  });
});
