// `surv verify`: golden output for examples/verify, clean examples, the printed scenario
// replayed through the CLI, and the exit codes.
//
// The goldens examples/verify/NAME.expected.txt are what `surv verify NAME.surv` prints
// on stdout, run inside examples/verify. After an intended change of the output, run
// `UPDATE_GOLDENS=1 npx vitest run --project cli test/cli/verify.test.ts` and
// review the diff (git diff examples/verify).
import { appendFileSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, root, surv, twoErrors } from './helpers.js';

const UPDATE = process.env['UPDATE_GOLDENS'] === '1';
const verifyDir = join(root, 'examples/verify');
const examples = readdirSync(verifyDir).filter((f) => f.endsWith('.surv')).sort();

const files = fixture({ 'errors.surv': twoErrors });

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('surv verify on examples/verify (goldens)', () => {
  it.each(examples)('%s', (file) => {
    const run = surv(['verify', file], verifyDir);
    const golden = join(verifyDir, file.replace(/\.surv$/, '.expected.txt'));
    if (UPDATE) writeFileSync(golden, run.stdout);
    expect(run.stdout).toBe(readFileSync(golden, 'utf8'));
    expect(run.status).toBe(1);
    // Each one passes the checker: only verify finds what is wrong.
    expect(surv(['check', file], verifyDir).status).toBe(0);
  });

  it('relay-budget: the violation, its scenario and the totals', () => {
    const run = surv(['verify', 'relay-budget.surv'], verifyDir);
    expect(lines(run.stdout).slice(0, 7)).toEqual([
      'relay-budget.surv:20:47: error SURV081: post-dial delay 20s is over the budget of 15s: desk calls 944000000; it hears nothing until 503 No Gateway Available at 20s (cloud silent, pstn down)',
      '# surv verify: SURV081 (post-dial-budget)',
      'scenario "SURV081 desk calls 944000000, cloud silent, pstn down" in relay-budget {',
      '  cloud silent',
      '  pstn down',
      '  desk calls 944000000',
      '}',
    ]);
    expect(run.stderr).toMatch(/^1 violation in 1 of 1 branch; 76 combinations explored in \d+ runs\n$/);
  });
});

describe('surv verify', () => {
  it('finds nothing in the good examples and exits 0, saying what it explored within which bound', () => {
    const run = surv(['verify', 'examples/bilbao.surv']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('bilbao: explored 248 combinations, no violation; bound: 6 calls (1 outbound, 2 emergency, 1 local, 1 inbound, 1 REGISTER), each alone; '
      + 'every state of each actor it can reach (upstream 8, gateway 4, phone 4); at most 4,096 combinations per call (largest 128)\n');
    expect(run.stderr).toMatch(/^no violations in 1 branch; 248 combinations explored in \d+ runs\n$/);
    for (const file of ['examples/two-head-offices.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv', 'examples/petrol-stations']) {
      expect(surv(['verify', file]).status, file).toBe(0);
    }
  });

  it('the printed scenario, pasted into the file, replays the violation', () => {
    const tmp = fixture({});
    try {
      const file = join(tmp.dir, 'relay-budget.surv');
      copyFileSync(join(verifyDir, 'relay-budget.surv'), file);
      const first = surv(['verify', 'relay-budget.surv'], tmp.dir);
      const block = /^# surv verify:.*\nscenario "([^"]+)"[^]*?\n}\n/m.exec(first.stdout)!;
      appendFileSync(file, `\n${block[0]}`);
      const replay = surv(['simulate', 'relay-budget.surv', '--scenario', block[1]!], tmp.dir);
      expect(replay.status).toBe(0);
      expect(lines(replay.stdout)).toContain('    #1 desk calls 944000000 at 0.000s: failed (503); finals 503 at 20.000s; post-dial delay 20.000s; path desk > edge > cloud > pstn');
      // The design is unchanged, so verify still reports the same violation.
      expect(lines(surv(['verify', 'relay-budget.surv'], tmp.dir).stdout)[0]).toBe(lines(first.stdout)[0]);
    } finally {
      tmp.cleanup();
    }
  });

  it('holds actors beyond --max-combinations at one state, and says so in the bound', () => {
    const run = surv(['verify', 'examples/critical-branch.surv', '--max-combinations', '64']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^hospital-north: explored 577 combinations, no violation; bound: .*at most 64 combinations per call \(largest 64\); beyond it held: triage no-answer, ward-b no-answer, ward-c no-answer\n$/);
  });

  it('prints the diagnostics as surv check does and exits 1 for a file with errors', () => {
    const run = surv(['verify', 'errors.surv'], files.dir);
    const check = surv(['check', 'errors.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(check.stdout);
    expect(run.stderr).toBe(check.stderr);
  });

  it('exits 2 for a bad bound or a missing file', () => {
    const bound = surv(['verify', 'examples/bilbao.surv', '--max-combinations', '0']);
    expect(bound.status).toBe(2);
    expect(bound.stderr).toContain("option '--max-combinations <n>' argument '0' is invalid. the bound is a whole number from 1");
    expect(surv(['verify', 'missing.surv']).status).toBe(2);
  });
});
