// The role `surv_branch` that `surv export --ansible` writes: one router's rollout, in
// stages that each have a tag (copy, verify, plan, install, health; rollback only when
// asked). Fixed text: every per-host value comes from the inventory at run time, so no
// user string is ever pasted into these files.

/** The role's files, paths relative to the role folder; `header` is the first comment line(s). */
export function roleFiles(header: string): { path: string; content: string }[] {
  return [
    { path: 'defaults/main.yml', content: `---\n${header}${defaults}` },
    { path: 'meta/main.yml', content: `---\n${header}${meta}` },
    { path: 'tasks/main.yml', content: `---\n${header}${tasksMain}` },
    { path: 'tasks/install.yml', content: `---\n${header}${tasksInstall}` },
    { path: 'tasks/rollback.yml', content: `---\n${header}${tasksRollback}` },
    { path: 'vars/main.yml', content: `---\n${header}${vars}` },
  ];
}

const defaults = `# Per host or group (inventory, group_vars, host_vars, -e) when the defaults do not fit.

# Where the bundle is kept on the router, per target (EdgeOS: below /config, which a
# firmware upgrade keeps).
surv_bundle_dirs:
  debian: /var/lib/surv/bundle
  edgeos: /config/surv-bundle
  openwrt: /root/surv-bundle
surv_bundle_dir: "{{ surv_bundle_dirs[surv_target] }}"

# Seconds the health check waits for the proxy's reply to OPTIONS.
surv_health_timeout: 5

# For tests only: a folder that stands for / on the router (the bundle folder and the
# installed kamailio.cfg are below it; install.sh gets it as SURV_ROOT).
surv_root: ""

# For tests only: environment for install.sh and the health check (SURV_ROOT,
# SURV_KAMAILIO, SURV_SERVICE, SURV_SETTLE, SURV_WAIT: see install.sh).
surv_install_env: {}
`;

const vars = `# Derived values; not meant to be overridden.

# install.sh's environment: SURV_ROOT from surv_root, then surv_install_env.
surv_env: "{{ ({'SURV_ROOT': surv_root} if surv_root | length > 0 else {}) | combine(surv_install_env) }}"

# Where this run's checks look: in check mode a scratch copy (nothing on the router changes).
surv_work_dir: "{{ surv_scratch.path if ansible_check_mode else surv_root ~ surv_bundle_dir }}"

# The sha256 of the exported kamailio.cfg, read on the controller from the bundle's manifest.
surv_cfg_sha256: >-
  {{ (lookup('ansible.builtin.file', playbook_dir ~ '/bundles/' ~ surv_branch ~ '/manifest.json') | from_json)['files']
  | selectattr('path', 'equalto', 'kamailio.cfg') | map(attribute='sha256') | first }}
`;

const meta = `galaxy_info:
  role_name: surv_branch
  namespace: surv
  author: surv
  description: Installs a surv survival proxy bundle on a router, checks its health, rolls back on failure.
  license: MIT
  min_ansible_version: "2.14"
  platforms:
    - name: Debian
      versions:
        - all
    - name: GenericLinux
      versions:
        - all
  galaxy_tags:
    - kamailio
    - sip
dependencies: []
`;

const tasksMain = `# One router's rollout. Each stage has a tag: copy, verify, plan, install (which
# includes health), health; rollback runs only with --tags rollback.

- name: Copy the bundle to the router
  ansible.builtin.copy:
    src: "{{ playbook_dir }}/bundles/{{ surv_branch }}/"
    dest: "{{ surv_root }}{{ surv_bundle_dir }}/"
    mode: preserve
    directory_mode: "0755"
  tags: [copy]

# In check mode nothing on the router may change, its bundle folder included: the
# checks and the dry run then work on a scratch copy, removed at the end.
- name: Check the bundle and ask install.sh what would change
  block:
    - name: Make a scratch folder (check mode)
      ansible.builtin.tempfile:
        state: directory
        prefix: surv-check.
      register: surv_scratch
      check_mode: false
      changed_when: false
      when: ansible_check_mode
      tags: [copy, verify, plan]

    - name: Copy the bundle to the scratch folder (check mode)
      ansible.builtin.copy:
        src: "{{ playbook_dir }}/bundles/{{ surv_branch }}/"
        dest: "{{ surv_scratch.path }}/"
        mode: preserve
      check_mode: false
      changed_when: false
      when: ansible_check_mode
      tags: [copy, verify, plan]

    - name: Verify the bundle against SHA256SUMS
      ansible.builtin.command:
        cmd: sha256sum -c SHA256SUMS
        chdir: "{{ surv_work_dir }}"
      check_mode: false
      changed_when: false
      tags: [verify]

    - name: Ask install.sh what it would change
      ansible.builtin.command:
        cmd: sh install.sh --dry-run
        chdir: "{{ surv_work_dir }}"
      environment: "{{ surv_env }}"
      register: surv_plan
      check_mode: false
      # It changes nothing; in check mode, "changed" says that the install would change files.
      changed_when: ansible_check_mode and 'nothing would change' not in surv_plan.stdout
      tags: [plan]

    - name: Show what install.sh would change
      ansible.builtin.debug:
        msg: "{{ surv_plan.stdout_lines }}"
      when: "'nothing would change' not in surv_plan.stdout"
      tags: [plan]

  always:
    - name: Remove the scratch folder (check mode)
      ansible.builtin.file:
        path: "{{ surv_scratch.path }}"
        state: absent
      check_mode: false
      changed_when: false
      when: ansible_check_mode and surv_scratch.path is defined
      tags: [copy, verify, plan]

- name: Roll back (only with --tags rollback)
  ansible.builtin.import_tasks: rollback.yml

- name: Stop here in check mode, before anything is installed
  ansible.builtin.meta: end_host
  when: ansible_check_mode
  tags: [always]

- name: Install, check health, roll back when unhealthy
  ansible.builtin.import_tasks: install.yml
`;

const tasksInstall = `# install.sh checks the new cfg with kamailio -c before anything changes and puts every
# file back itself when Kamailio does not come up (it then fails, and nothing is rolled
# back here). The rescue covers a proxy that started but is not healthy: it puts back
# what this install replaced, then fails the host, which stops the rollout (serial,
# max_fail_percentage in site.yml).

- name: Install the bundle, then check the proxy's health
  block:
    - name: Run install.sh
      ansible.builtin.command:
        cmd: sh install.sh
        chdir: "{{ surv_root }}{{ surv_bundle_dir }}"
      environment: "{{ surv_env }}"
      register: surv_install
      changed_when: "'already installed' not in surv_install.stdout"
      tags: [install]

    - name: Check that Kamailio runs
      ansible.builtin.command:
        argv: "{{ [surv_install_env.SURV_SERVICE, 'running'] if surv_install_env.SURV_SERVICE is defined else ['pidof', 'kamailio'] }}"
      environment: "{{ surv_env }}"
      check_mode: false
      changed_when: false
      tags: [install, health]

    - name: Ask the proxy for OPTIONS on its SIP address
      surv_sip_options:
        address: "{{ surv_sip_address }}"
        port: "{{ surv_sip_port }}"
        transport: "{{ surv_sip_transport }}"
        timeout: "{{ surv_health_timeout }}"
      tags: [install, health]

    - name: Read the installed kamailio.cfg
      ansible.builtin.stat:
        path: "{{ surv_root }}{{ surv_cfg_path }}"
        checksum_algorithm: sha256
        get_mime: false
      register: surv_cfg
      tags: [install, health]

    - name: Check that the installed kamailio.cfg is the exported one
      ansible.builtin.assert:
        that:
          - surv_cfg.stat.exists
          - surv_cfg.stat.checksum == surv_cfg_sha256
        fail_msg: >-
          {{ surv_root }}{{ surv_cfg_path }} is not the kamailio.cfg of this bundle
          (sha256 {{ surv_cfg.stat.checksum | default('missing') }}, manifest.json says {{ surv_cfg_sha256 }})
        quiet: true
      tags: [install, health]

  rescue:
    - name: Roll back what this install replaced
      ansible.builtin.command:
        cmd: sh install.sh --rollback
        chdir: "{{ surv_root }}{{ surv_bundle_dir }}"
      environment: "{{ surv_env }}"
      register: surv_rollback
      changed_when: "'nothing to roll back' not in surv_rollback.stdout"
      # Only when this run installed and the health check failed: a failed install.sh has
      # put everything back itself, and rolling back again would undo the install before.
      when: surv_install is defined and surv_install is succeeded and surv_install is changed
      tags: [install]

    - name: Stop the rollout of this router
      ansible.builtin.fail:
        msg: >-
          branch {{ surv_branch }}: '{{ ansible_failed_task.name }}' failed
          ({{ ansible_failed_result.msg | default('') }}) {{ ansible_failed_result.stderr | default('') }}
          {{ ('-- install.sh --rollback: ' ~ (surv_rollback.stdout_lines | last | default(''))) if surv_rollback is defined and surv_rollback is not skipped
          else '-- not rolled back here: a failed install.sh puts the previous files back itself' }}
      tags: [install, health]
`;

const tasksRollback = `# Puts back what the last successful install replaced and restarts Kamailio on it.
# The bundle folder keeps the newer bundle: the next run without tags installs it again.

- name: Roll back to what the last install replaced
  ansible.builtin.command:
    cmd: sh install.sh --rollback
    chdir: "{{ surv_root }}{{ surv_bundle_dir }}"
  environment: "{{ surv_env }}"
  register: surv_rolled_back
  changed_when: "'nothing to roll back' not in surv_rolled_back.stdout"
  tags: [never, rollback]

- name: Show what the rollback did
  ansible.builtin.debug:
    msg: "{{ surv_rolled_back.stdout_lines }}"
  tags: [never, rollback]
`;
