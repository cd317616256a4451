// `surv simulate`: the timeline, results and verdicts, scenario selection, the seed
// override and the exit codes, through the built bin/surv.cjs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, lines, surv, twoErrors, warningOnly } from './helpers.js';

/** A clean branch `alpha` with one scenario whose second expectation fails. */
const failing = `${cleanBranch('alpha', 1)}
scenario "cloud silent" in alpha {
  cloud silent
  desk calls 944000000
  expect desk gets 302 at 10s
  expect desk gets 302 at 5s
}
`;

const files = fixture({
  'failing.surv': failing,
  'errors.surv': twoErrors,
  'warning.surv': `${warningOnly}scenario "up" in gamma {\n  desk calls 944000000\n  expect desk gets 200 at 2s\n}\n`,
  'none.surv': cleanBranch('delta', 4),
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('surv simulate', () => {
  it('prints the seed case as a timeline, the call and a PASS per expectation (examples/bilbao.surv)', () => {
    const run = surv(['simulate', 'examples/bilbao.surv', '--scenario', 'cloud down, desk dials out']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const out = lines(run.stdout);
    expect(out[0]).toBe('scenario "cloud down, desk dials out" in bilbao (examples/bilbao.surv:59:10)');
    expect(out.slice(1, 4)).toEqual([
      '   0.000s  desk1 -> edge   INVITE sip:944000000@pbx.example.com                       scenario: call placed',
      '   0.000s  edge  -> desk1  100 Trying                                                 tm: auto 100 Trying',
      '   0.000s  edge  -> cloud  INVITE sip:944000000@pbx.example.com                       outbound via cloud',
    ]);
    expect(out).toContain('  10.000s  edge  -> desk1  302 Moved Temporarily  Contact: <sip:944000000@10.10.1.3>  fr_timer fired on cloud (no reply at all); survival: redirect');
    expect(out).toContain('    #1 desk1 calls 944000000 at 0.000s: answered; finals 302 at 10.000s, 200 at 12.000s; post-dial delay 10.000s; path desk1 > edge > cloud > edge > pstn');
    expect(out.slice(-5)).toEqual([
      '  expectations',
      '    PASS  examples/bilbao.surv:62:3  expect desk1 gets 181 at 10s: desk1 got 181 at 10s',
      '    PASS  examples/bilbao.surv:63:3  expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3: desk1 got 302 at 10s',
      '',
      '1 scenario, 2 expectations: 2 passed, 0 failed',
    ]);
  });

  it('replays every scenario of the file when none is chosen, in file order', () => {
    const run = surv(['simulate', 'examples/bilbao.surv']);
    expect(run.status).toBe(0);
    expect(lines(run.stdout).filter((l) => l.startsWith('scenario '))).toEqual([
      'scenario "cloud down, desk dials out" in bilbao (examples/bilbao.surv:59:10)',
      'scenario "cloud up, number does not exist" in bilbao (examples/bilbao.surv:68:10)',
      'scenario "incoming PSTN call forks to the front desk" in bilbao (examples/bilbao.surv:76:10)',
    ]);
    expect(lines(run.stdout).at(-1)).toBe('3 scenarios, 4 expectations: 4 passed, 0 failed');
  });

  it('shows probing decisions in the timeline (examples/critical-branch.surv)', () => {
    const run = surv(['simulate', 'examples/critical-branch.surv', '-s', 'PBX dies: probes mark it down, later calls go straight out']);
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toContain('  32.000s  edge   -> cloud   (marked down)                                 probe timed out: 2 failed probes in a row');
  });

  it('exits 1 when an expectation fails, with FAIL and the expect line located', () => {
    const run = surv(['simulate', 'failing.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(lines(run.stdout).slice(-4)).toEqual([
      '    PASS  failing.surv:17:3  expect desk gets 302 at 10s: desk got 302 at 10s',
      '    FAIL  failing.surv:18:3  expect desk gets 302 at 5s: desk got 302 at 10s, not 5s',
      '',
      '1 scenario, 2 expectations: 1 passed, 1 failed',
    ]);
  });

  it('exits 2 for an unknown scenario title and lists the titles', () => {
    const run = surv(['simulate', 'examples/bilbao.surv', '--scenario', 'nope']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe([
      `surv: no scenario titled "nope" in 'examples/bilbao.surv'; its scenarios are:`,
      '  "cloud down, desk dials out"',
      '  "cloud up, number does not exist"',
      '  "incoming PSTN call forks to the front desk"',
      '',
    ].join('\n'));
  });

  it('prints the diagnostics as surv check does and exits 1 without simulating a file with errors', () => {
    const run = surv(['simulate', 'errors.surv'], files.dir);
    const check = surv(['check', 'errors.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(check.stdout);
    expect(run.stderr).toBe(check.stderr);
    expect(run.stdout).not.toContain('scenario');
  });

  it('reports warnings on stderr and simulates anyway', () => {
    const run = surv(['simulate', 'warning.surv'], files.dir);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^warning\.surv:7:\d+: warning SURV059: /);
    expect(run.stdout).toMatch(/^scenario "up" in gamma \(warning\.surv:13:10\)\n/);
    expect(run.stdout).toContain('    PASS  warning.surv:15:3  expect desk gets 200 at 2s: desk got 200 at 2s');
  });

  it('says so, and exits 0, for a file without scenarios', () => {
    const run = surv(['simulate', 'none.surv'], files.dir);
    expect(run).toEqual({ status: 0, stdout: '', stderr: "no scenarios in 'none.surv'\n" });
  });

  it('exits 2 for a bad seed or a missing file', () => {
    const seed = surv(['simulate', 'failing.surv', '--seed', '-3'], files.dir);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain("option '--seed <n>' argument '-3' is invalid. a seed is a whole number from 0 to 2147483647");
    const missing = surv(['simulate', 'missing.surv'], files.dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("surv: cannot read 'missing.surv': no such file or directory\n");
  });
});
