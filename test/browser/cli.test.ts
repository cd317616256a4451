// `surv diagram --format svg|png` through the built CLI, in Debian's Chromium. Without
// /usr/bin/chromium these tests fail (apt-get install -y chromium); the message a user
// gets then is checked in test/cli/diagram.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM } from '../../io/render/index.js';
import { ensureBuilt, fixture, survBin } from '../cli/helpers.js';
import { root, viewOf } from '../unit/diagram/helpers.js';

beforeAll(ensureBuilt);

// Each test fails on its own when Chromium is missing (a failing beforeAll would report them as skipped).
beforeEach(() => {
  if (!existsSync(DEFAULT_CHROMIUM)) throw new Error(`${DEFAULT_CHROMIUM} is missing: these tests need Chromium (apt-get install -y chromium)`);
});

function surv(args: readonly string[]) {
  // The default Chromium path, whatever the caller's environment says.
  const env: NodeJS.ProcessEnv = { ...process.env, SURV_DEBUG: '', SURV_CHROMIUM: '' };
  const result = spawnSync(process.execPath, [survBin, ...args], { cwd: root, env });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

const count = (svg: string, cls: string) => (svg.match(new RegExp(`class="${cls}"`, 'g')) ?? []).length;

describe('surv diagram --format svg|png', () => {
  it('one scenario as svg on stdout: an <svg> document with every message of the trace', () => {
    const run = surv(['diagram', 'examples/bilbao.surv', '--scenario', 'cloud down, desk dials out', '--format', 'svg']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    const svg = run.stdout.toString('utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    expect(count(svg, 'messageText')).toBe(24);
    expect(count(svg, 'messageText')).toBe(viewOf('examples/bilbao.surv', 'scenario:bilbao:cloud down, desk dials out').messages.length);
    expect(svg).toContain('302 Moved Temporarily → sip:944000000@10.10.1.3 (10.000s)');
  });

  it('every diagram of a file as svg into --out DIR', () => {
    const { dir, cleanup } = fixture({});
    try {
      const run = surv(['diagram', 'examples/critical-branch.surv', '--format', 'svg', '--out', dir]);
      expect(run.status).toBe(0);
      expect(readdirSync(dir).sort()).toEqual([
        'hospital-north.design.svg',
        'hospital-north.emergency-call-during-the-outage.svg',
        'hospital-north.far-end-rings-nobody-answers-408-not-survival.svg',
        'hospital-north.pbx-dies-probes-mark-it-down-later-calls-go-straight-out.svg',
      ]);
      const design = readFileSync(join(dir, 'hospital-north.design.svg'), 'utf8');
      expect(count(design, 'messageText')).toBe(viewOf('examples/critical-branch.surv', 'design:hospital-north').messages.length);
    } finally {
      cleanup();
    }
  });

  it('png into a file', () => {
    const { dir, cleanup } = fixture({});
    try {
      const run = surv(['diagram', 'examples/bilbao.surv', '--design', '--out', join(dir, 'bilbao.png')]);
      expect([run.status, run.stderr]).toEqual([0, `wrote ${join(dir, 'bilbao.png')}\n`]);
      const png = readFileSync(join(dir, 'bilbao.png'));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    } finally {
      cleanup();
    }
  });
});
