import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type * as sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, root, surv, twoErrors, warningOnly } from './helpers.js';

const files = fixture({
  'a.surv': cleanBranch('alpha', 1),
  'dup/b.surv': cleanBranch('alpha', 4),
  'errors.surv': twoErrors,
  'odd name #1.surv': warningOnly,
});

/**
 * The official schema (see test/fixtures/sarif/README.md). Formats are not checked: ajv
 * needs ajv-formats for them, and the schema's `format: uri` for helpUri would reject
 * the relative `docs/diagnostics.md#...` links surv writes on purpose.
 */
const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

beforeAll(ensureBuilt);
afterAll(files.cleanup);

function checkSarif(args: string[]): { status: number | null; log: sarif.Log } {
  const run = surv(['check', '--format', 'sarif', ...args], files.dir);
  expect(run.stderr).toBe('');
  return { status: run.status, log: JSON.parse(run.stdout) as sarif.Log };
}

describe('surv check --format sarif', () => {
  it('validates against the SARIF 2.1.0 schema, with findings and related locations', () => {
    const { status, log } = checkSarif(['a.surv', 'dup', 'errors.surv', 'odd name #1.surv']);
    expect(status).toBe(1);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.results!.some((r) => (r.relatedLocations ?? []).length > 0)).toBe(true);
  });

  it('is checked by a validator that does reject broken logs', () => {
    const { log } = checkSarif(['errors.surv']);
    const [first] = log.runs[0]!.results!;
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...first, message: undefined, level: 'fatal' }] }] })).toBe(false);
  });

  it('validates when there is nothing to report', () => {
    const { status, log } = checkSarif(['a.surv']);
    expect(status).toBe(0);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.tool.driver.rules).toEqual([]);
  });

  it('names the tool, its version and one rule per code that appears', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const { log } = checkSarif(['errors.surv', 'odd name #1.surv']);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'surv', version });
    expect(run.tool.driver.rules).toEqual([
      { id: 'SURV010', shortDescription: { text: 'Unknown name' }, helpUri: 'docs/diagnostics.md#surv010' },
      { id: 'SURV025', shortDescription: { text: 'Invalid duration' }, helpUri: 'docs/diagnostics.md#surv025' },
      { id: 'SURV059', shortDescription: { text: 'REGISTER forwarded without Path' }, helpUri: 'docs/diagnostics.md#surv059' },
    ]);
    for (const result of run.results!) {
      expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
    }
  });

  it('maps each finding to a result with level, message and a 1-based region against SRCROOT', () => {
    const { log } = checkSarif(['errors.surv', 'odd name #1.surv']);
    const results = log.runs[0]!.results!;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([['SURV025', 'error'], ['SURV010', 'error'], ['SURV059', 'warning']]);
    expect(results[0]).toMatchObject({
      message: { text: "'10' needs a unit: 10s or 10ms" },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: 'errors.surv', uriBaseId: 'SRCROOT' },
          region: { startLine: 6, startColumn: 22, endLine: 6 },
        },
      }],
    });
    // A path is not a URI: a space or `#` must be percent-encoded.
    expect(results[2]!.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'odd%20name%20%231.surv', uriBaseId: 'SRCROOT' });
  });

  it('gives related information as relatedLocations with their own messages', () => {
    const { log } = checkSarif(['a.surv', 'dup']);
    const [result] = log.runs[0]!.results!;
    expect(result).toMatchObject({
      ruleId: 'SURV011',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'dup/b.surv' }, region: { startLine: 1, startColumn: 8 } } }],
      relatedLocations: [{
        id: 0,
        message: { text: "first definition of 'alpha'" },
        physicalLocation: { artifactLocation: { uri: 'a.surv', uriBaseId: 'SRCROOT' }, region: { startLine: 1, startColumn: 8 } },
      }],
    });
  });
});
