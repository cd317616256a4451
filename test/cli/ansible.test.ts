// `surv export PATH --ansible DIR` through the built CLI: what it prints, what it
// refuses (nothing written then), and replacing a previous project as a whole.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleFleet } from './ansible-fixture.js';
import { ensureBuilt, fixture, surv } from './helpers.js';

const fx = fixture({ 'fleet.surv': ansibleFleet, 'nomanage.surv': ansibleFleet.replace('  router { manage 127.0.43.2 }\n', '') });

beforeAll(ensureBuilt, 120_000);
afterAll(() => fx.cleanup());

describe('surv export --ansible', () => {
  it('writes the project and says where each bundle went', () => {
    const run = surv(['export', 'fleet.surv', '--ansible', 'out'], fx.dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'exported alpha (debian) to out/bundles/alpha\n'
      + 'exported st-2 (openwrt) to out/bundles/st-2\n'
      + 'Ansible project in out: see its README.md (first: ansible-playbook site.yml --check --diff)\n',
    );
    expect(run.status).toBe(0);
    expect(readdirSync(join(fx.dir, 'out')).sort()).toEqual(['README.md', 'ansible.cfg', 'bundles', 'inventory.yml', 'manifest.json', 'roles', 'site.yml']);
    expect(statSync(join(fx.dir, 'out/bundles/st-2/install.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(fx.dir, 'out/roles/surv_branch/library/surv_sip_options.py')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(fx.dir, 'out/bundles/st-2/kamailio.cfg'), 'utf8')).toContain('st-2');
  });

  it('gives the same bytes on a second export, replacing the first as a whole', () => {
    const before = readFileSync(join(fx.dir, 'out/manifest.json'), 'utf8');
    const run = surv(['export', 'fleet.surv', '--ansible', 'out'], fx.dir);
    expect(run.status).toBe(0);
    expect(readFileSync(join(fx.dir, 'out/manifest.json'), 'utf8')).toBe(before);
  });

  it('refuses to replace a project that holds a file it did not write, at any depth', () => {
    writeFileSync(join(fx.dir, 'out/roles/surv_branch/tasks/local.yml'), '---\n');
    const run = surv(['export', 'fleet.surv', '--ansible', 'out'], fx.dir);
    expect(run.stderr).toBe("surv: 'out' holds 'roles/surv_branch/tasks/local.yml', which the previous export did not write: refusing to replace it (move that away, or choose another folder)\n");
    expect(run.status).toBe(2);
    expect(existsSync(join(fx.dir, 'out/roles/surv_branch/tasks/local.yml'))).toBe(true);
  });

  it("refuses a branch with no 'router { manage }', naming it and its router block (from its profile); nothing written", () => {
    const run = surv(['export', 'nomanage.surv', '--ansible', 'out2'], fx.dir);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "nomanage.surv:2: error: branch 'st-2' has no 'router { manage ADDRESS }': Ansible cannot reach it\n"
      + 'surv: the export refuses this policy: nothing exported\n',
    );
    expect(run.status).toBe(1);
    expect(existsSync(join(fx.dir, 'out2'))).toBe(false);
  });

  it('wants exactly one of --out and --ansible (usage error, exit 2)', () => {
    const both = surv(['export', 'fleet.surv', '--ansible', 'a', '--out', 'b'], fx.dir);
    expect(both.stderr).toBe('surv: give one of --out DIR and --ansible DIR\n');
    expect(both.status).toBe(2);
    const none = surv(['export', 'fleet.surv'], fx.dir);
    expect(none.stderr).toBe('surv: give one of --out DIR and --ansible DIR\n');
    expect(none.status).toBe(2);
    expect(existsSync(join(fx.dir, 'a'))).toBe(false);
    expect(existsSync(join(fx.dir, 'b'))).toBe(false);
  });
});
