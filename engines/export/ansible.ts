// `surv export --ansible DIR`: an Ansible project that rolls the bundles out to a fleet
// (inventory, playbook, the role surv_branch and its health-check module, every bundle).
// Pure: files in memory; io/write-bundle.ts writes them. Byte-stable: hosts sorted, no
// timestamps. Every per-host value is checked here, then written into the inventory
// double-quoted and tagged !unsafe, so Ansible never reads it as a template ({{ }}).
import { sipOptionsModule } from './ansible-module.js';
import { roleFiles } from './ansible-role.js';
import { sha256 } from './bundle.js';
import { checkHost, checkName, checkPort, plainLine } from './escape.js';
import type { FleetHost } from './fleet-types.js';
import { ExportError, type BundleFile } from './types.js';

/** The role's folder below DIR. */
export const roleDir = 'roles/surv_branch';
/** Each host's bundle is DIR/bundles/<branch>/. */
export const bundlesDir = 'bundles';

/** POSIX user names (useradd's default rule), as an SSH login. */
const userPattern = /^[a-z_][a-z0-9_-]{0,31}$/;
/** An absolute path of plain characters: no spaces, quotes, `$`, `{`, `..`. */
const pathPattern = /^(?:\/[A-Za-z0-9._+-]+)+$/;

/**
 * A YAML double-quoted scalar. Everything outside printable ASCII is escaped, so no
 * character can end the scalar, start a line or hide what a reader sees.
 */
export function yamlString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A value Ansible keeps as it is: `!unsafe` stops templating of `{{ }}` and `{% %}`. */
export function yamlUnsafe(text: string): string {
  return `!unsafe ${yamlString(text)}`;
}

/** An Ansible group name: letters, digits and `_` only (a `-` would be warned about). */
function groupName(prefix: string, name: string): string {
  return `${prefix}${name.replace(/-/g, '_')}`;
}

function checkUser(user: string, branch: string): string {
  if (!userPattern.test(user)) throw new ExportError(`branch ${branch}: SSH user ${JSON.stringify(user)} is not a valid user name`);
  return user;
}

function checkPath(path: string, branch: string): string {
  if (!pathPattern.test(path) || path.split('/').includes('..')) {
    throw new ExportError(`branch ${branch}: ${JSON.stringify(path)} is not a plain absolute path`);
  }
  return path;
}

/** Every value of `host` checked; throws ExportError naming the branch. */
function checkHostValues(host: FleetHost): void {
  const b = checkName(host.branch, 'branch');
  checkHost(host.address, `branch ${b}: management address`);
  if (host.port !== undefined) checkPort(host.port, `branch ${b}: SSH port`);
  if (host.user !== undefined) checkUser(host.user, b);
  if (host.profile !== undefined) checkName(host.profile, `branch ${b}: profile`);
  checkHost(host.sip.address, `branch ${b}: SIP address`);
  checkPort(host.sip.port, `branch ${b}: SIP port`);
  if (!['udp', 'tcp', 'tls'].includes(host.sip.transport)) throw new ExportError(`branch ${b}: SIP transport ${JSON.stringify(host.sip.transport)} is not udp, tcp or tls`);
  checkPath(host.cfgPath, b);
  if (host.bundle.branch !== host.branch) throw new ExportError(`internal: the bundle of branch ${b} is that of ${host.bundle.branch}`);
  if (!host.bundle.files.some((f) => f.path === 'manifest.json')) throw new ExportError(`internal: the bundle of branch ${b} has no manifest.json`);
}

function byName<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

function renderInventory(hosts: readonly FleetHost[], header: string): string {
  const groups = new Map<string, { source: string; members: string[] }>();
  const join = (group: string, source: string, branch: string) => {
    const g = groups.get(group);
    if (g && g.source !== source) throw new ExportError(`profiles '${g.source}' and '${source}' both become the Ansible group ${group}: rename one`);
    if (g) g.members.push(branch);
    else groups.set(group, { source, members: [branch] });
  };
  for (const h of hosts) {
    if (h.profile !== undefined) join(groupName('surv_profile_', h.profile), h.profile, h.branch);
    join(`surv_target_${h.target}`, h.target, h.branch);
  }
  const out: string[] = [header.trimEnd(), 'all:', '  children:', '    surv_fleet:', '      hosts:'];
  for (const h of hosts) {
    out.push(`        ${yamlString(h.branch)}:`);
    out.push(`          ansible_host: ${yamlUnsafe(h.address)}`);
    if (h.port !== undefined) out.push(`          ansible_port: ${h.port}`);
    if (h.user !== undefined) out.push(`          ansible_user: ${yamlUnsafe(h.user)}`);
    out.push(`          surv_branch: ${yamlUnsafe(h.branch)}`);
    out.push(`          surv_target: ${yamlUnsafe(h.target)}`);
    out.push(`          surv_sip_transport: ${yamlUnsafe(h.sip.transport)}`);
    out.push(`          surv_sip_address: ${yamlUnsafe(h.sip.address)}`);
    out.push(`          surv_sip_port: ${h.sip.port}`);
    out.push(`          surv_cfg_path: ${yamlUnsafe(h.cfgPath)}`);
  }
  out.push('      children:');
  for (const [group, g] of [...groups].sort(byName(([name]) => name))) {
    out.push(`        ${group}:`, '          hosts:');
    for (const m of g.members) out.push(`            ${yamlString(m)}: {}`);
  }
  return `${out.join('\n')}\n`;
}

function renderPlaybook(header: string): string {
  return `---
${header}# Rolls the survival proxy out in batches: one router first (the canary), then a
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
`;
}

const ansibleCfg = (header: string) => `${header}[defaults]
inventory = inventory.yml
roles_path = roles
library = ${roleDir}/library
interpreter_python = auto_silent
retry_files_enabled = False
# host_key_checking stays on: add each router's host key to ~/.ssh/known_hosts first
# (README.md says how).

[ssh_connection]
pipelining = True
`;

function renderReadme(hosts: readonly FleetHost[], toolVersion: string): string {
  const first = hosts[0]?.branch ?? 'BRANCH';
  return `# Rolling out the survival proxies with Ansible

Written by surv ${plainLine(toolVersion)} (\`surv export --ansible\`) for ${hosts.length} router${hosts.length === 1 ? '' : 's'}. Do not edit:
export again after changing the design. Run every command in this folder.

The routers' SSH host keys must be known first (host key checking stays on), e.g.
\`ssh-keyscan -p PORT ADDRESS >> ~/.ssh/known_hosts\` for each router, after comparing the
fingerprint with the router's own (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`,
or \`dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key\` on OpenWrt). A login that
is not root needs \`ansible_become: true\` (inventory or group_vars) and, if sudo asks for
a password, \`--ask-become-pass\`.

1. See what would change, changing nothing:
   \`ansible-playbook site.yml --check --diff\`
2. Roll out (one router first, then 25 %, then the rest; any failure stops it):
   \`ansible-playbook site.yml\`
3. One router, or one group (\`surv_profile_NAME\`, \`surv_target_TARGET\`):
   \`ansible-playbook site.yml --limit ${first}\`
4. Only check health (Kamailio runs, answers OPTIONS, the installed cfg is this one):
   \`ansible-playbook site.yml --tags health\`
5. Other batches (a failed router always stops the rollout before the next batch):
   \`ansible-playbook site.yml -e '{"surv_serial": [1, 5, "50%"]}'\`
6. Put back what the last install replaced (the bundle stays: the next run installs it again):
   \`ansible-playbook site.yml --tags rollback --limit ${first}\`

Tags: copy, verify, plan, install (includes the health check), health, rollback.
`;
}

/**
 * The Ansible project for `hosts` (any order), paths relative to DIR, sorted. Throws
 * ExportError, naming the branch, for a value that cannot be written safely.
 */
export function renderAnsible(hosts: readonly FleetHost[], toolVersion: string): BundleFile[] {
  if (hosts.length === 0) throw new ExportError('no branch to roll out');
  const sorted = [...hosts].sort(byName((h) => h.branch));
  for (const h of sorted) checkHostValues(h);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.branch === sorted[i - 1]!.branch) throw new ExportError(`branch ${sorted[i]!.branch} is defined twice`);
  }
  const version = plainLine(toolVersion).replace(/[^A-Za-z0-9.+-]/g, '?');
  const header = `# Written by surv ${version} (surv export --ansible). Do not edit: export again.\n`;
  const files: BundleFile[] = [];
  const add = (path: string, content: string, mode = 0o644) => files.push({ path, content, mode });
  add('inventory.yml', renderInventory(sorted, `---\n${header}`));
  add('site.yml', renderPlaybook(header));
  add('ansible.cfg', ansibleCfg(header));
  add('README.md', renderReadme(sorted, version));
  for (const f of roleFiles(header)) add(`${roleDir}/${f.path}`, f.content);
  add(`${roleDir}/library/surv_sip_options.py`, sipOptionsModule, 0o755);
  for (const h of sorted) for (const f of h.bundle.files) add(`${bundlesDir}/${h.branch}/${f.path}`, f.content, f.mode);
  files.sort(byName((f) => f.path));
  // What io/write-bundle.ts reads to know this folder is surv's own before replacing it.
  const manifest = {
    tool: 'surv',
    toolVersion: version,
    kind: 'ansible',
    hosts: sorted.map((h) => ({ branch: h.branch, target: h.target, address: h.address })),
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.content), mode: `0${f.mode.toString(8)}` })),
  };
  add('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  files.sort(byName((f) => f.path));
  return files;
}
