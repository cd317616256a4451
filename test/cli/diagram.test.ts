// `surv diagram` without a browser: mmd and md output exact, the choice of diagrams,
// the errors, and the message when Chromium is missing. (SVG and PNG: test/browser.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, root, survBin } from './helpers.js';

beforeAll(ensureBuilt);

function surv(args: readonly string[], env: Record<string, string> = {}, cwd = root) {
  const result = spawnSync(process.execPath, [survBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SURV_DEBUG: '', ...env } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const golden = (name: string) => readFileSync(join(root, 'test/golden/diagrams', name), 'utf8');

describe('surv diagram: mmd and md', () => {
  it('md (the default): a heading and a mermaid block per diagram, design first', () => {
    const run = surv(['diagram', 'examples/bilbao.surv']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(golden('bilbao.md'));
    expect(run.stdout.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# Ladder diagrams of examples/bilbao.surv',
      '## Design of branch bilbao',
      '## Scenario: cloud down, desk dials out (branch bilbao)',
      '## Scenario: cloud up, number does not exist (branch bilbao)',
      '## Scenario: incoming PSTN call forks to the front desk (branch bilbao)',
    ]);
  });

  it('mmd of one scenario or of the design, exactly the golden source', () => {
    const scenario = surv(['diagram', 'examples/bilbao.surv', '--scenario', 'cloud down, desk dials out', '--format', 'mmd']);
    expect([scenario.status, scenario.stderr, scenario.stdout]).toEqual([0, '', golden('bilbao.cloud-down-desk-dials-out.mmd')]);
    const design = surv(['diagram', 'examples/two-head-offices.surv', '--design', '-f', 'mmd']);
    expect([design.status, design.stdout]).toEqual([0, golden('zaragoza.design.mmd')]);
  });

  it('a station follows its `use` line, and draws only its own branch', () => {
    const run = surv(['diagram', 'examples/petrol-stations/station-12.surv', '--format', 'md']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual(['## Design of branch station-12', '## Scenario: satellite link down (branch station-12)']);
  });

  it('--autonumber numbers the messages', () => {
    const run = surv(['diagram', 'examples/bilbao.surv', '--design', '-f', 'mmd', '--autonumber']);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['sequenceDiagram', '  title bilbao#58; design', '  autonumber']);
  });

  it('several diagrams as mmd: one file each into --out DIR, named after branch and scenario', () => {
    const { dir, cleanup } = fixture({});
    try {
      const out = join(dir, 'diagrams');
      const run = surv(['diagram', 'examples/bilbao.surv', '--format', 'mmd', '--out', out]);
      expect(run.status).toBe(0);
      const names = ['bilbao.design.mmd', 'bilbao.cloud-down-desk-dials-out.mmd', 'bilbao.cloud-up-number-does-not-exist.mmd', 'bilbao.incoming-pstn-call-forks-to-the-front-desk.mmd'];
      expect(readdirSync(out).sort()).toEqual([...names].sort());
      for (const name of names) expect(readFileSync(join(out, name), 'utf8')).toBe(golden(name));
      expect(run.stderr).toBe(names.map((n) => `wrote ${join(out, n)}\n`).join(''));
    } finally {
      cleanup();
    }
  });

  it('the format follows the extension of --out', () => {
    const { dir, cleanup } = fixture({});
    try {
      const run = surv(['diagram', 'examples/bilbao.surv', '--design', '--out', join(dir, 'd.mmd')]);
      expect(run.status).toBe(0);
      expect(readFileSync(join(dir, 'd.mmd'), 'utf8')).toBe(golden('bilbao.design.mmd'));
      expect(surv(['diagram', 'examples/bilbao.surv', '--out', join(dir, 'all.md')]).status).toBe(0);
      expect(readFileSync(join(dir, 'all.md'), 'utf8')).toBe(golden('bilbao.md'));
    } finally {
      cleanup();
    }
  });

  it('--out into folders that do not exist yet creates them', () => {
    const { dir, cleanup } = fixture({});
    try {
      const target = join(dir, 'docs', 'ladders', 'bilbao.md');
      const run = surv(['diagram', 'examples/bilbao.surv', '--out', target]);
      expect(run.status).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe(golden('bilbao.md'));
    } finally {
      cleanup();
    }
  });
});

describe('surv diagram: errors', () => {
  it('several diagrams as mmd to stdout: exit 2, saying how to choose', () => {
    const run = surv(['diagram', 'examples/bilbao.surv', '--format', 'mmd']);
    expect([run.status, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toBe("surv: 4 diagrams in 'examples/bilbao.surv': pick one with --scenario NAME or --design, or give --out DIR for one file each\n");
  });

  it('an unknown scenario: exit 2, listing the scenarios', () => {
    const run = surv(['diagram', 'examples/ipv6-branch.surv', '--scenario', 'nope']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`surv: no scenario "nope" in 'examples/ipv6-branch.surv'; its scenarios: "cloud silent over IPv6", "emergency call while the cloud is silent"\n`);
  });

  it('a file with errors: its diagnostics as surv check prints them, exit 1, no diagram', () => {
    const run = surv(['diagram', 'examples/broken/timer-rules.surv', '-f', 'md']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const check = spawnSync(process.execPath, [survBin, 'check', '--quiet', 'examples/broken/timer-rules.surv'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe(`${check.stdout}${/\d+ errors? in 1 file\n$/.exec(run.stderr)![0]}`);
    expect(run.stderr).toMatch(/^examples\/broken\/timer-rules\.surv:\d+:\d+: error SURV\d{3}: /);
  });

  it('png needs --out', () => {
    const run = surv(['diagram', 'examples/bilbao.surv', '--design', '-f', 'png']);
    expect([run.status, run.stderr]).toEqual([2, 'surv: png is binary: give --out FILE or --out DIR\n']);
  });

  it('svg without Chromium: exit 2, saying how to install it, and nothing written', () => {
    const { dir, cleanup } = fixture({});
    try {
      const run = surv(['diagram', 'examples/bilbao.surv', '--design', '--format', 'svg', '--out', join(dir, 'd.svg')], { SURV_CHROMIUM: '/nonexistent/chromium' });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('surv: cannot render svg: Chromium not found at /nonexistent/chromium; svg and png need it. '
        + 'Install it with `apt-get install -y chromium` (or point SURV_CHROMIUM at a Chromium binary), or use --format mmd or md, which need no browser\n');
      expect(existsSync(join(dir, 'd.svg'))).toBe(false);
    } finally {
      cleanup();
    }
  });
});
