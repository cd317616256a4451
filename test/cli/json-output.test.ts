import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { cleanBranch, ensureBuilt, fixture, surv, twoErrors, warningOnly } from './helpers.js';

const sources = {
  'a.surv': cleanBranch('alpha', 1),
  'b.surv': cleanBranch('alpha', 4),
  'errors.surv': twoErrors,
  'warning.surv': warningOnly,
};
const files = fixture(sources);

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('surv check --format json', () => {
  it('writes { version, files, diagnostics } with 1-based positions and nothing on stderr', () => {
    const run = surv(['check', '--format', 'json', 'errors.surv'], files.dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['version', 'files', 'diagnostics']);
    expect(report).toMatchObject({
      version: 1,
      files: ['errors.surv'],
      diagnostics: [
        { code: 'SURV025', severity: 'error', message: "'10' needs a unit: 10s or 10ms", file: 'errors.surv', line: 6, column: 22, endLine: 6 },
        { code: 'SURV010', severity: 'error', file: 'errors.surv', line: 10, column: 34, endLine: 10 },
      ],
    });
  });

  it('gives every diagnostic of the core, shifted to 1-based, with related information and data', () => {
    const names = Object.keys(sources).sort();
    const run = surv(['check', '-f', 'json', ...names], files.dir);
    const report = JSON.parse(run.stdout) as { files: string[]; diagnostics: unknown[] };
    expect(report.files).toEqual(names);
    // The same files through the core directly: the CLI must add nothing and lose nothing.
    const expected = analyze(names.map((uri) => ({ uri, text: readFileSync(join(files.dir, uri), 'utf8') }))).diagnostics;
    expect(report.diagnostics).toEqual(expected.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.uri,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      ...(d.related ? {
        related: d.related.map((r) => ({
          file: r.location.uri,
          line: r.location.range.start.line + 1,
          column: r.location.range.start.character + 1,
          endLine: r.location.range.end.line + 1,
          endColumn: r.location.range.end.character + 1,
          message: r.message,
        })),
      } : {}),
      ...(d.data ? { data: d.data } : {}),
    })));
    expect(report.diagnostics.some((d) => 'related' in (d as object))).toBe(true);
    expect(report.diagnostics.some((d) => 'data' in (d as object))).toBe(true);
  });

  it('is an empty list, exit 0, for clean files', () => {
    const run = surv(['check', '--format=json', 'a.surv'], files.dir);
    expect(JSON.parse(run.stdout)).toEqual({ version: 1, files: ['a.surv'], diagnostics: [] });
    expect(run.status).toBe(0);
  });

  it('--quiet keeps errors only', () => {
    const run = surv(['check', '-f', 'json', '-q', 'warning.surv', 'errors.surv'], files.dir);
    const report = JSON.parse(run.stdout) as { diagnostics: { severity: string }[] };
    expect(report.diagnostics.map((d) => d.severity)).toEqual(['error', 'error']);
  });
});
