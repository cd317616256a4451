// Every shipped example branch, exported for every target: Kamailio accepts the
// configuration (`kamailio -c`) and ShellCheck passes every generated shell script.
// `kamailio -c` parses and fixes up the configuration but binds no socket, so the
// examples' addresses (10.x, 2001:db8::) need not exist on this host (measured; the
// bad-config case below shows the check does fail when it should).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, exportTo, removeExports, kamailioCheck, requireTools, root } from './support.js';

afterAll(removeExports);

const targets = ['edgeos', 'debian', 'openwrt'] as const;

/**
 * examples/*.surv one by one, every example folder (a fleet) except broken/, and the
 * test fixtures one by one (edge-cases.surv holds designs the examples do not cover).
 */
function examplePaths(): string[] {
  const dir = join(root, 'examples');
  const examples = readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (name === 'broken') return [];
    if (statSync(path).isDirectory()) return readdirSync(path).some((f) => f.endsWith('.surv')) ? [path] : [];
    return name.endsWith('.surv') ? [path] : [];
  });
  const fixtures = join(root, 'test/kamailio/fixtures');
  return [...examples, ...readdirSync(fixtures).sort().filter((f) => f.endsWith('.surv')).map((f) => join(fixtures, f))];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const scripts = (files: readonly string[]) => files.filter((f) => /(install\.sh|surv-kamailio\.sh|surv-kamailio\.init)$/.test(f));

describe('kamailio -c and shellcheck on every example bundle', () => {
  const exported = new Map<string, string[]>();

  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    for (const target of targets) {
      exported.set(target, examplePaths().flatMap((p) => walk(exportTo(p, target))));
    }
  }, 120_000);

  it('covers the examples: bilbao, the hospital, zaragoza, vitoria, the 24 petrol stations, the fixtures', () => {
    const cfgs = exported.get('edgeos')!.filter((f) => f.endsWith('kamailio.cfg'));
    expect(cfgs.length).toBeGreaterThanOrEqual(32);
    const branches = cfgs.map((f) => /branch (\S+), from/.exec(readFileSync(f, 'utf8'))?.[1]);
    expect(branches).toEqual(expect.arrayContaining([
      'bilbao', 'hospital-north', 'zaragoza', 'vitoria-lab', 'station-01', 'station-24', 'loopback', 'loopback-critical', 'minimal', 'dids-only',
    ]));
  });

  for (const target of targets) {
    it(`kamailio -c accepts every ${target} kamailio.cfg`, () => {
      const cfgs = exported.get(target)!.filter((f) => f.endsWith('kamailio.cfg'));
      const failures = cfgs.map((cfg) => ({ cfg, ...kamailioCheck(cfg) })).filter((r) => r.status !== 0);
      expect(failures.map((f) => `${f.cfg}: exit ${f.status}\n${f.output.split('\n').filter((l) => /ERROR|CRITICAL/.test(l)).join('\n')}`)).toEqual([]);
    });

    it(`shellcheck passes every ${target} script`, () => {
      const files = scripts(exported.get(target)!);
      expect(files.length).toBeGreaterThan(28);
      const run = spawnSync('shellcheck', ['--shell=sh', '--severity=style', ...files], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).toBe('');
      expect(run.status).toBe(0);
    });
  }

  it('the check can fail: a damaged kamailio.cfg is rejected', () => {
    const cfg = exported.get('debian')!.find((f) => f.endsWith('kamailio.cfg'))!;
    const broken = `${cfg}.broken`;
    writeFileSync(broken, readFileSync(cfg, 'utf8').replace('route(REQINIT);', 'route(REQINIT;'));
    expect(kamailioCheck(broken).status).not.toBe(0);
  });

  it('the hook and init scripts are the ones for their target', () => {
    const names = (t: string) => new Set(exported.get(t)!.map((f) => relative(root, f).split('/').pop()));
    expect(names('edgeos').has('surv-kamailio.sh')).toBe(true);
    expect(names('debian').has('kamailio-surv.conf')).toBe(true);
    expect(names('openwrt').has('surv-kamailio.init')).toBe(true);
  });
});
