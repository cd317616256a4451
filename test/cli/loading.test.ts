import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, lines, surv } from './helpers.js';

interface JsonReport {
  files: string[];
  diagnostics: { code: string; file: string; line: number; message: string }[];
}

const profile = `profile station {
  upstream cloud { proxy sip:pbx.example.com:5060 }
  register { forward cloud with path }
}
`;

/** A branch that takes its upstream and register from `profile station`. */
function station(name: string, n: number): string {
  return cleanBranch(name, n)
    .replace(`branch ${name} {`, `branch ${name} uses station {`)
    .replace('  upstream cloud { proxy sip:pbx.example.com:5060 }\n', '')
    .replace('  register { forward cloud with path }\n', '');
}

const files = fixture({
  'fleet/zulu.surv': cleanBranch('zulu', 1),
  'fleet/alpha.surv': cleanBranch('alpha', 2),
  'fleet/sub/mike.surv': cleanBranch('mike', 3),
  'fleet/a-b.surv': cleanBranch('ab', 4),
  'fleet/notes.txt': 'not a design\n',
  'fleet/.hidden/ignored.surv': 'this is not even valid',
  'fleet/node_modules/dep/ignored.surv': 'nor this',
  'shared/station.surv': profile,
  'sites/north/site.surv': `use "../../shared/station.surv"\n${station('north', 5)}`,
  'sites/south/site.surv': `use "../../shared/missing.surv"\n${station('south', 6)}`,
  'chain/a.surv': `use "b.surv"\n${cleanBranch('chain-a', 7)}`,
  'chain/b.surv': `use "deeper/c.surv"\n${cleanBranch('chain-b', 8)}`,
  'chain/deeper/c.surv': cleanBranch('chain-c', 9),
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

function checkJson(args: string[]): { status: number | null; report: JsonReport } {
  const run = surv(['check', '--format', 'json', ...args], files.dir);
  return { status: run.status, report: JSON.parse(run.stdout) as JsonReport };
}

describe('surv check: which files it loads', () => {
  it('expands a folder to every .surv file below it, sorted, skipping hidden entries and node_modules', () => {
    const { status, report } = checkJson(['fleet']);
    expect(report.files).toEqual(['fleet/a-b.surv', 'fleet/alpha.surv', 'fleet/sub/mike.surv', 'fleet/zulu.surv']);
    expect(status).toBe(0);
  });

  it('keeps the order of the paths given, and names each file once', () => {
    const { report } = checkJson(['fleet/zulu.surv', 'fleet/sub', './fleet/zulu.surv', 'fleet/']);
    expect(report.files).toEqual(['fleet/zulu.surv', 'fleet/sub/mike.surv', 'fleet/a-b.surv', 'fleet/alpha.surv']);
  });

  it('loads the file a `use` line names, across folders, by its path relative to the current directory', () => {
    const { status, report } = checkJson(['sites/north/site.surv']);
    expect(report.files).toEqual(['sites/north/site.surv', 'shared/station.surv']);
    expect(report.diagnostics).toEqual([]);
    expect(status).toBe(0);
  });

  it('follows `use` lines transitively', () => {
    const { report } = checkJson(['chain/a.surv']);
    expect(report.files).toEqual(['chain/a.surv', 'chain/b.surv', 'chain/deeper/c.surv']);
  });

  it('leaves an unreadable `use` target to the core (SURV004, exit 1), not an I/O error', () => {
    const run = surv(['check', 'sites/south/site.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)[0]).toBe(
      "sites/south/site.surv:1:5: error SURV004: cannot find '../../shared/missing.surv' (looked for shared/missing.surv)",
    );
  });

  it('finds the same file under one name whether it is named or used', () => {
    const { status, report } = checkJson(['shared', 'sites/north']);
    expect(report.files).toEqual(['shared/station.surv', 'sites/north/site.surv']);
    expect(status).toBe(0);
  });

  it('names files outside the current directory with ../ (a `use` reads inside the current directory or a folder named)', () => {
    const outside = surv(['check', '--format', 'json', '../north/site.surv', '../../shared'], `${files.dir}/sites/south`);
    expect((JSON.parse(outside.stdout) as JsonReport).files).toEqual(['../north/site.surv', '../../shared/station.surv']);
    expect(outside.status).toBe(0);
  });

  it('refuses a `use` that leaves the current directory and every folder named (SURV006, exit 1)', () => {
    const run = surv(['check', '../north/site.surv'], `${files.dir}/sites/south`);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)[0]).toBe(
      "../north/site.surv:1:5: error SURV006: cannot use '../../shared/station.surv': outside the root (surv reads only files inside the folders it was given)",
    );
  });
});
