// The Ansible project `surv export --ansible` writes, held to Debian's own tools:
// ansible-lint (production profile, offline), ansible-playbook --syntax-check and
// ansible-inventory. Fails, never skips, when they are missing (apt-get install ansible ansible-lint).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlUnsafe } from '../../engines/export/ansible.js';
import { ansibleFleet } from './ansible-fixture.js';
import { ensureBuilt, fixture, surv } from './helpers.js';

const fx = fixture({ 'fleet.surv': ansibleFleet });
const project = join(fx.dir, 'project');

/** A tool of Debian's ansible packages, run in `cwd` with colour off and its own cache. */
function tool(cmd: string, args: readonly string[], cwd = project) {
  const r = spawnSync(cmd, args, {
    cwd, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_LOCAL_TEMP: join(fx.dir, 'ansible-tmp') },
  });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}): install Debian's ansible and ansible-lint`);
  return r;
}

beforeAll(async () => {
  for (const t of ['ansible-lint', 'ansible-playbook', 'ansible-inventory', 'ansible']) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) throw new Error(`${t} is missing: apt-get install ansible ansible-lint`);
  }
  await ensureBuilt();
  const run = surv(['export', 'fleet.surv', '--ansible', 'project'], fx.dir);
  if (run.status !== 0) throw new Error(run.stderr);
}, 120_000);
afterAll(() => fx.cleanup());

describe('the Ansible project passes Debian ansible tools', () => {
  it('ansible-lint --offline --profile production: no failure, no warning', () => {
    const r = tool('ansible-lint', ['--offline', '--profile', 'production', '--nocolor']);
    expect(`${r.stdout}${r.stderr}`).toContain('Passed with production profile: 0 failure(s), 0 warning(s)');
    expect(r.status).toBe(0);
    // It wrote nothing into the project (a second export would refuse a foreign file).
    expect(surv(['export', 'fleet.surv', '--ansible', 'project'], fx.dir).status).toBe(0);
  }, 120_000);

  it('ansible-playbook --syntax-check site.yml', () => {
    const r = tool('ansible-playbook', ['--syntax-check', 'site.yml']);
    expect(r.stdout).toBe('\nplaybook: site.yml\n');
    expect(r.status).toBe(0);
  }, 60_000);

  it('ansible-inventory --list: the groups and every host variable, as Ansible reads them', () => {
    const r = tool('ansible-inventory', ['--list']);
    expect(r.status).toBe(0);
    const inv = JSON.parse(r.stdout) as Record<string, { hosts?: string[]; children?: string[] }> & { _meta: { hostvars: Record<string, unknown> } };
    expect(inv['all']).toEqual({ children: ['ungrouped', 'surv_fleet'] });
    expect(inv['surv_fleet']).toEqual({ children: ['surv_profile_station', 'surv_target_debian', 'surv_target_openwrt'], hosts: ['alpha', 'st-2'] });
    expect(inv['surv_profile_station']).toEqual({ hosts: ['st-2'] });
    expect(inv['surv_target_debian']).toEqual({ hosts: ['alpha'] });
    expect(inv['surv_target_openwrt']).toEqual({ hosts: ['st-2'] });
    const unsafe = (v: string) => ({ __ansible_unsafe: v });
    expect(inv._meta.hostvars).toEqual({
      alpha: {
        ansible_host: unsafe('127.0.43.1'), ansible_port: 2222, surv_branch: unsafe('alpha'), surv_target: unsafe('debian'),
        surv_sip_transport: unsafe('udp'), surv_sip_address: unsafe('127.0.43.1'), surv_sip_port: 5062, surv_cfg_path: unsafe('/etc/kamailio/kamailio.cfg'),
      },
      'st-2': {
        ansible_host: unsafe('127.0.43.2'), ansible_user: unsafe('root'), surv_branch: unsafe('st-2'), surv_target: unsafe('openwrt'),
        surv_sip_transport: unsafe('tcp'), surv_sip_address: unsafe('127.0.43.2'), surv_sip_port: 5060, surv_cfg_path: unsafe('/etc/kamailio/kamailio.cfg'),
      },
    });
  }, 60_000);

  it('keeps a hostile inventory value literal: no YAML injection, no Jinja run (yamlUnsafe)', () => {
    // renderAnsible refuses such values before this; this shows the quoting holds by itself.
    const dir = mkdtempSync(join(tmpdir(), 'surv-ansible-hostile-'));
    try {
      const marker = join(dir, 'pwned');
      const evil = `{{ lookup('pipe', 'touch ${marker}') }}"\n  ansible_connection: ssh\n- x: {% raw %}`;
      writeFileSync(join(dir, 'inv.yml'), `all:\n  hosts:\n    h:\n      ansible_connection: local\n      surv_branch: ${yamlUnsafe(evil)}\n`);
      const r = tool('ansible', ['h', '-i', 'inv.yml', '-m', 'ansible.builtin.debug', '-a', 'msg=[{{ surv_branch }}]', '-o'], dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(JSON.stringify(`[${evil}]`).slice(1, -1));
      expect(existsSync(marker)).toBe(false);
      const list = tool('ansible-inventory', ['-i', 'inv.yml', '--host', 'h'], dir);
      expect(JSON.parse(list.stdout)).toEqual({ ansible_connection: 'local', surv_branch: { __ansible_unsafe: evil } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
