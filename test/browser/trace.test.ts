// `surv trace --format svg --out DIR` through the built CLI, in Debian's Chromium: one SVG
// per call, each with every message the capture held for it. Without /usr/bin/chromium
// this fails (apt-get install -y chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM } from '../../io/render/index.js';
import { ensureBuilt, fixture, survBin } from '../cli/helpers.js';
import { traceDesign, tracePcap } from '../support/trace-calls.js';

const files = fixture({ 'trace.surv': traceDesign });
beforeAll(async () => {
  await ensureBuilt();
  writeFileSync(join(files.dir, 'calls.pcap'), tracePcap());
});
afterAll(files.cleanup);

function surv(args: readonly string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, SURV_DEBUG: '', SURV_CHROMIUM: '' };
  const result = spawnSync(process.execPath, [survBin, 'trace', ...args], { cwd: files.dir, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

const count = (svg: string, cls: string) => (svg.match(new RegExp(`class="${cls}"`, 'g')) ?? []).length;

it('writes one svg per call into --out DIR, each with every message of its call', () => {
  if (!existsSync(DEFAULT_CHROMIUM)) throw new Error(`${DEFAULT_CHROMIUM} is missing: this test needs Chromium (apt-get install -y chromium)`);
  const run = surv(['calls.pcap', '--design', 'trace.surv', '--format', 'svg', '--out', 'ladders']);
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')[0]).toBe('wrote 2 files to ladders');
  expect(run.stderr).toContain('\nsummary\n  messages   29\n');
  expect(readdirSync(join(files.dir, 'ladders')).sort()).toEqual(['call-1.svg', 'call-2.svg']);
  const calls = (JSON.parse(surv(['calls.pcap', '--format', 'json']).stdout) as { calls: { entries: unknown[] }[] }).calls;
  for (const [i, call] of calls.entries()) {
    const svg = readFileSync(join(files.dir, `ladders/call-${i + 1}.svg`), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    expect(count(svg, 'messageText')).toBe(call.entries.length);
  }
  expect(readFileSync(join(files.dir, 'ladders/call-2.svg'), 'utf8')).toContain('302 Moved Temporarily');
});
