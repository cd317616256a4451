// renderAnsible: the Ansible project of a fleet, byte for byte; hostile values refused.
// The project is run for real in test/cli/ansible-lint.test.ts and test/fleet/.
import { describe, expect, it } from 'vitest';
import { sipOptionsModule } from '../../../engines/export/ansible-module.js';
import { renderAnsible, yamlString, yamlUnsafe } from '../../../engines/export/ansible.js';
import type { FleetHost } from '../../../engines/export/fleet-types.js';
import { ExportError, sha256, type Bundle, type BundleFile, type Target } from '../../../engines/export/index.js';

function bundle(branch: string, target: Target): Bundle {
  const files: BundleFile[] = [
    { path: 'SHA256SUMS', content: `sums of ${branch}\n`, mode: 0o644 },
    { path: 'install.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { path: 'kamailio.cfg', content: `# ${branch}\n`, mode: 0o644 },
    { path: 'manifest.json', content: '{"tool":"surv"}\n', mode: 0o644 },
  ];
  return { branch, target, files, reads: [], warnings: [] };
}

function host(branch: string, over: Partial<FleetHost> = {}): FleetHost {
  const target = over.target ?? 'debian';
  return {
    branch, target, address: '192.0.2.1', sip: { transport: 'udp', address: '10.1.0.1', port: 5060 },
    cfgPath: '/etc/kamailio/kamailio.cfg', bundle: bundle(branch, target), ...over,
  };
}

const fleet = (): FleetHost[] => [
  host('shop-2', { target: 'openwrt', bundle: bundle('shop-2', 'openwrt'), address: '192.0.2.2', sip: { transport: 'tcp', address: '10.2.0.1', port: 5070 } }),
  host('null', { profile: 'petrol-station', address: 'router1.example.net', port: 2222, user: 'admin' }),
  host('shop-1', { profile: 'petrol-station', address: '2001:db8::1', user: 'root' }),
];

const file = (files: readonly BundleFile[], path: string): BundleFile => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return f;
};

describe('renderAnsible', () => {
  it('writes the inventory: one host per branch, sorted, values quoted and !unsafe, groups under surv_fleet', () => {
    expect(file(renderAnsible(fleet(), '1.2.3'), 'inventory.yml').content).toBe(`---
# Written by surv 1.2.3 (surv export --ansible). Do not edit: export again.
all:
  children:
    surv_fleet:
      hosts:
        "null":
          ansible_host: !unsafe "router1.example.net"
          ansible_port: 2222
          ansible_user: !unsafe "admin"
          surv_branch: !unsafe "null"
          surv_target: !unsafe "debian"
          surv_sip_transport: !unsafe "udp"
          surv_sip_address: !unsafe "10.1.0.1"
          surv_sip_port: 5060
          surv_cfg_path: !unsafe "/etc/kamailio/kamailio.cfg"
        "shop-1":
          ansible_host: !unsafe "2001:db8::1"
          ansible_user: !unsafe "root"
          surv_branch: !unsafe "shop-1"
          surv_target: !unsafe "debian"
          surv_sip_transport: !unsafe "udp"
          surv_sip_address: !unsafe "10.1.0.1"
          surv_sip_port: 5060
          surv_cfg_path: !unsafe "/etc/kamailio/kamailio.cfg"
        "shop-2":
          ansible_host: !unsafe "192.0.2.2"
          surv_branch: !unsafe "shop-2"
          surv_target: !unsafe "openwrt"
          surv_sip_transport: !unsafe "tcp"
          surv_sip_address: !unsafe "10.2.0.1"
          surv_sip_port: 5070
          surv_cfg_path: !unsafe "/etc/kamailio/kamailio.cfg"
      children:
        surv_profile_petrol_station:
          hosts:
            "null": {}
            "shop-1": {}
        surv_target_debian:
          hosts:
            "null": {}
            "shop-1": {}
        surv_target_openwrt:
          hosts:
            "shop-2": {}
`);
  });

  it('writes the playbook: surv_fleet in batches (canary, 25 %, the rest), no facts, any failure stops', () => {
    expect(file(renderAnsible(fleet(), '1.2.3'), 'site.yml').content).toBe(`---
# Written by surv 1.2.3 (surv export --ansible). Do not edit: export again.
# Rolls the survival proxy out in batches: one router first (the canary), then a
# quarter of the fleet, then the rest (-e surv_serial=... changes that). A failed router
# stops the rollout before the next batch: max_fail_percentage 0 (a number, not a
# template: ansible-lint's schema allows nothing else there).
- name: Roll out the surv survival proxies
  hosts: surv_fleet
  gather_facts: false
  serial: "{{ surv_serial | default([1, '25%', '100%']) }}"
  max_fail_percentage: 0
  roles:
    - role: surv_branch
`);
  });

  it('writes ansible.cfg with host key checking left on', () => {
    const cfg = file(renderAnsible(fleet(), '1.2.3'), 'ansible.cfg').content;
    expect(cfg).toBe(`# Written by surv 1.2.3 (surv export --ansible). Do not edit: export again.
[defaults]
inventory = inventory.yml
roles_path = roles
library = roles/surv_branch/library
interpreter_python = auto_silent
retry_files_enabled = False
# host_key_checking stays on: add each router's host key to ~/.ssh/known_hosts first
# (README.md says how).

[ssh_connection]
pipelining = True
`);
    expect(cfg).not.toMatch(/^host_key_checking/m);
  });

  it('writes every file, sorted, with its mode; each bundle below bundles/<branch>/ as it is', () => {
    const files = renderAnsible(fleet(), '1.2.3');
    expect(files.map((f) => `${f.path} 0${f.mode.toString(8)}`)).toEqual([
      'README.md 0644',
      'ansible.cfg 0644',
      'bundles/null/SHA256SUMS 0644',
      'bundles/null/install.sh 0755',
      'bundles/null/kamailio.cfg 0644',
      'bundles/null/manifest.json 0644',
      'bundles/shop-1/SHA256SUMS 0644',
      'bundles/shop-1/install.sh 0755',
      'bundles/shop-1/kamailio.cfg 0644',
      'bundles/shop-1/manifest.json 0644',
      'bundles/shop-2/SHA256SUMS 0644',
      'bundles/shop-2/install.sh 0755',
      'bundles/shop-2/kamailio.cfg 0644',
      'bundles/shop-2/manifest.json 0644',
      'inventory.yml 0644',
      'manifest.json 0644',
      'roles/surv_branch/defaults/main.yml 0644',
      'roles/surv_branch/library/surv_sip_options.py 0755',
      'roles/surv_branch/meta/main.yml 0644',
      'roles/surv_branch/tasks/install.yml 0644',
      'roles/surv_branch/tasks/main.yml 0644',
      'roles/surv_branch/tasks/rollback.yml 0644',
      'roles/surv_branch/vars/main.yml 0644',
      'site.yml 0644',
    ]);
    expect(file(files, 'bundles/shop-2/kamailio.cfg').content).toBe('# shop-2\n');
    expect(file(files, 'roles/surv_branch/library/surv_sip_options.py').content).toBe(sipOptionsModule);
  });

  it('is byte-stable: the same fleet in any order gives the same files', () => {
    const a = renderAnsible(fleet(), '1.2.3');
    const b = renderAnsible([...fleet()].reverse(), '1.2.3');
    expect(b).toEqual(a);
  });

  it("lists every file in its manifest.json (what io/write-bundle.ts reads before replacing DIR)", () => {
    const files = renderAnsible(fleet(), '1.2.3');
    const manifest = JSON.parse(file(files, 'manifest.json').content) as { tool: string; kind: string; files: { path: string; sha256: string; mode: string }[]; hosts: unknown[] };
    expect(manifest.tool).toBe('surv');
    expect(manifest.kind).toBe('ansible');
    expect(manifest.hosts).toEqual([
      { branch: 'null', target: 'debian', address: 'router1.example.net' },
      { branch: 'shop-1', target: 'debian', address: '2001:db8::1' },
      { branch: 'shop-2', target: 'openwrt', address: '192.0.2.2' },
    ]);
    const others = files.filter((f) => f.path !== 'manifest.json');
    expect(manifest.files).toEqual(others.map((f) => ({ path: f.path, sha256: sha256(f.content), mode: `0${f.mode.toString(8)}` })));
  });

  it('puts no per-host value into the role or the playbook: they read the inventory', () => {
    const files = renderAnsible(fleet(), '1.2.3');
    for (const f of files.filter((x) => x.path.startsWith('roles/') || x.path === 'site.yml')) {
      expect(f.content).not.toMatch(/shop-|router1|192\.0\.2|2001:db8|petrol/);
    }
  });

  it('tags every stage; rollback runs only when asked (never)', () => {
    const files = renderAnsible(fleet(), '1.2.3');
    const tasks = ['main', 'install', 'rollback'].map((n) => file(files, `roles/surv_branch/tasks/${n}.yml`).content).join('\n');
    const tagsOf = (name: string) => {
      const at = tasks.indexOf(`- name: ${name}\n`);
      if (at < 0) throw new Error(`no task ${name}`);
      const next = tasks.indexOf('- name: ', at + 1);
      return /tags: \[([^\]]*)\]/.exec(tasks.slice(at, next < 0 ? undefined : next))?.[1];
    };
    expect(tagsOf('Copy the bundle to the router')).toBe('copy');
    expect(tagsOf('Verify the bundle against SHA256SUMS')).toBe('verify');
    expect(tagsOf('Ask install.sh what it would change')).toBe('plan');
    expect(tagsOf('Run install.sh')).toBe('install');
    expect(tagsOf('Ask the proxy for OPTIONS on its SIP address')).toBe('install, health');
    expect(tagsOf('Check that the installed kamailio.cfg is the exported one')).toBe('install, health');
    expect(tagsOf('Roll back to what the last install replaced')).toBe('never, rollback');
    expect(tagsOf('Stop here in check mode, before anything is installed')).toBe('always');
  });

  it('names the first branch in the README commands', () => {
    const readme = file(renderAnsible(fleet(), '1.2.3'), 'README.md').content;
    expect(readme).toContain('`ansible-playbook site.yml --check --diff`');
    expect(readme).toContain('`ansible-playbook site.yml --tags rollback --limit null`');
    expect(readme).toContain('for 3 routers.');
  });
});

describe('renderAnsible refuses what it cannot write safely', () => {
  const refused = (over: Partial<FleetHost>, message: string) => {
    const run = () => renderAnsible([host('shop-1', over)], '1.2.3');
    expect(run).toThrow(ExportError);
    expect(run).toThrow(message);
  };

  it('a branch name that is not a surv name (YAML, Jinja)', () => {
    expect(() => renderAnsible([host('a{{ x }}')], '1')).toThrow('branch "a{{ x }}" is not a valid surv name');
    expect(() => renderAnsible([host('a: b')], '1')).toThrow('branch "a: b" is not a valid surv name');
  });

  it('a management address with YAML or Jinja in it', () => {
    refused({ address: "{{ lookup('pipe', 'id') }}" }, `branch shop-1: management address: "{{ lookup('pipe', 'id') }}" is not a host name or IP address`);
    refused({ address: '192.0.2.1\n  ansible_connection: local' }, 'branch shop-1: management address: "192.0.2.1\\n  ansible_connection: local" is not a host name or IP address');
  });

  it('an SSH user, a profile, a SIP address, a cfg path with anything odd', () => {
    refused({ user: 'root" x' }, 'branch shop-1: SSH user "root\\" x" is not a valid user name');
    refused({ user: '{{x}}' }, 'branch shop-1: SSH user "{{x}}" is not a valid user name');
    refused({ profile: 'p{{x}}' }, 'branch shop-1: profile "p{{x}}" is not a valid surv name');
    refused({ sip: { transport: 'udp', address: '10.0.0.1 x', port: 5060 } }, 'branch shop-1: SIP address: "10.0.0.1 x" is not a host name or IP address');
    refused({ sip: { transport: 'udp', address: '10.0.0.1', port: 70000 } }, 'branch shop-1: SIP port: port 70000 is outside 1-65535');
    refused({ port: 0 }, 'branch shop-1: SSH port: port 0 is outside 1-65535');
    refused({ cfgPath: '/etc/{{x}}.cfg' }, 'branch shop-1: "/etc/{{x}}.cfg" is not a plain absolute path');
    refused({ cfgPath: '/etc/../x' }, 'branch shop-1: "/etc/../x" is not a plain absolute path');
    refused({ cfgPath: 'etc/kamailio.cfg' }, 'branch shop-1: "etc/kamailio.cfg" is not a plain absolute path');
  });

  it('two profiles that would be one Ansible group, a branch twice, an empty fleet', () => {
    expect(() => renderAnsible([host('a', { profile: 'p-q' }), host('b', { profile: 'p_q' })], '1'))
      .toThrow("profiles 'p-q' and 'p_q' both become the Ansible group surv_profile_p_q: rename one");
    expect(() => renderAnsible([host('a'), host('a')], '1')).toThrow('branch a is defined twice');
    expect(() => renderAnsible([], '1')).toThrow('no branch to roll out');
  });
});

describe('yamlString', () => {
  it('escapes what could end the scalar or hide text; !unsafe keeps Jinja literal', () => {
    expect(yamlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(yamlString('x\n- y: z')).toBe('"x\\x0a- y: z"');
    expect(yamlString('\u202e\u00e9\u{1f600}')).toBe('"\\u202e\\xe9\\U0001f600"');
    expect(yamlUnsafe("{{ lookup('pipe','id') }}")).toBe(`!unsafe "{{ lookup('pipe','id') }}"`);
  });
});
