// install.sh run by /bin/sh against a fake root, with a fake kamailio binary and a fake
// service manager: dry run, install, idempotence, refusal by kamailio -c, rollback, the
// EdgeOS boot hook; ShellCheck on every generated script.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers.js';
import { at, bundle, calls, install as run, packageFiles, removeWorlds, runHook, snapshot, world, type World } from './install-world.js';

afterAll(removeWorlds);

const install = (w: World, dir: string, ...args: string[]) => run(w, dir, args);
const withBundle = (w: World) => ({ ...w, bundle: (example: string, target = 'debian') => bundle(example, target) });

beforeAll(ensureBuilt);

describe('install.sh (debian)', () => {
  it('--dry-run lists the new files and changes nothing', () => {
    const w = withBundle(world());
    const b = w.bundle('bilbao.surv');
    const r = install(w, b, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'new        /etc/kamailio/kamailio.cfg',
      'new        /etc/default/kamailio',
      'new        /etc/systemd/system/kamailio.service.d/surv.conf',
      'dry run: 3 file(s) would change (each replaced one kept as FILE.surv-previous) and Kamailio would be restarted; nothing was changed',
      '',
    ].join('\n'));
    expect(r.status).toBe(0);
    expect(existsSync(at(w, 'etc'))).toBe(false);
    expect(calls(w)).toEqual([]);
  });

  it('installs, restarts, and does nothing the second time', () => {
    const w = withBundle(world());
    const b = w.bundle('bilbao.surv');
    const first = install(w, b);
    expect(first.stdout).toContain('installed  /etc/kamailio/kamailio.cfg\n');
    expect(first.stdout).toContain('Kamailio runs the survival proxy of branch bilbao.');
    expect(first.status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'))).toEqual(readFileSync(join(b, 'kamailio.cfg')));
    expect(readFileSync(at(w, 'etc/default/kamailio'))).toEqual(readFileSync(join(b, 'kamailio.default')));
    expect(statSync(at(w, 'etc/systemd/system/kamailio.service.d/surv.conf')).mode & 0o777).toBe(0o644);
    expect(calls(w)).toEqual(['restart', 'running']);
    const second = install(w, b);
    expect(second.stdout).toBe('already installed: branch bilbao, nothing to do\n');
    expect(second.status).toBe(0);
    expect(calls(w)).toEqual(['restart', 'running', 'running']);
  });

  it('--dry-run on an installed router shows a diff per changed file', () => {
    const w = withBundle(world());
    install(w, w.bundle('bilbao.surv'));
    const r = install(w, w.bundle('two-head-offices.surv'), '--dry-run');
    expect(r.stdout).toContain('changed    /etc/kamailio/kamailio.cfg\n');
    expect(r.stdout).toContain('\n-listen=udp:10.222.237.1:5060\n');
    expect(r.stdout).toContain('\n+listen=udp:10.30.1.1:5060\n');
    expect(r.stdout).toContain('unchanged  /etc/default/kamailio\n');
    expect(r.status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toContain('branch bilbao');
  });

  it('a configuration kamailio -c rejects is never swapped in', () => {
    const w = withBundle(world());
    install(w, w.bundle('bilbao.surv'));
    writeFileSync(join(w.fake, 'kamailio-rejects'), '');
    const r = install(w, w.bundle('two-head-offices.surv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('parse error in config file\ninstall.sh: kamailio -c rejects the new kamailio.cfg: nothing was changed\n');
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toContain('branch bilbao');
  });

  it('keeps the previous files, and puts them back when Kamailio does not come up', () => {
    const w = withBundle(world());
    install(w, w.bundle('bilbao.surv'));
    const previous = readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8');
    writeFileSync(join(w.fake, 'bad-marker'), 'branch zaragoza');
    const r = install(w, w.bundle('two-head-offices.surv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('install.sh: Kamailio did not come up with the new files: rolling back\n'
      + 'install.sh: the new configuration did not start: rolled back, every file is as it was before; the previous configuration is running\n');
    expect(existsSync(at(w, 'var/lib/surv-install'))).toBe(false);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toBe(previous);
    expect(existsSync(at(w, 'etc/kamailio/kamailio.cfg.surv-previous'))).toBe(false);
    expect(calls(w).filter((c) => c === 'restart')).toHaveLength(3);
    // After a successful install, the replaced files stay as *.surv-previous.
    rmSync(join(w.fake, 'bad-marker'));
    expect(install(w, w.bundle('two-head-offices.surv')).status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg.surv-previous'), 'utf8')).toBe(previous);
  });

  it('a damaged bundle is refused before anything else', () => {
    const w = withBundle(world());
    // A copy: the exported bundles are shared by the tests of this file.
    const b = join(w.fake, 'damaged');
    cpSync(w.bundle('bilbao.surv'), b, { recursive: true });
    writeFileSync(join(b, 'kamailio.cfg'), `${readFileSync(join(b, 'kamailio.cfg'), 'utf8')}# changed\n`);
    const r = install(w, b);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the bundle is damaged or incomplete');
    expect(existsSync(at(w, 'etc'))).toBe(false);
  });

  it('an unknown option is a usage error', () => {
    const w = withBundle(world());
    const r = install(w, w.bundle('bilbao.surv'), '--force');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('install.sh: unknown option: --force');
  });
});

describe('install.sh (edgeos, openwrt)', () => {
  it('edgeos: the files go to /config (kept by firmware upgrades); the boot hook copies them into /etc', () => {
    const w = withBundle(world());
    const b = w.bundle('critical-branch.surv', 'edgeos');
    const r = install(w, b);
    expect(r.status).toBe(0);
    for (const f of ['kamailio.cfg', 'kamailio.default', 'dispatcher.list']) {
      expect(readFileSync(at(w, `config/surv/${f}`))).toEqual(readFileSync(join(b, f)));
    }
    expect(statSync(at(w, 'config/scripts/post-config.d/surv-kamailio.sh')).mode & 0o777).toBe(0o755);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'))).toEqual(readFileSync(join(b, 'kamailio.cfg')));
    expect(readFileSync(at(w, 'etc/kamailio/dispatcher.list'))).toEqual(readFileSync(join(b, 'dispatcher.list')));
    expect(readFileSync(at(w, 'etc/default/kamailio'))).toEqual(readFileSync(join(b, 'kamailio.default')));
    expect(calls(w)).toEqual(['restart', 'running']);
    // A reboot after a firmware upgrade: /etc is gone, the hook puts it back and starts Kamailio.
    rmSync(at(w, 'etc'), { recursive: true });
    rmSync(join(w.fake, 'running'));
    const hook = runHook(w);
    expect(hook.status).toBe(0);
    expect(hook.stdout).toBe('surv-kamailio: starting Kamailio for branch hospital-north\n');
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'))).toEqual(readFileSync(join(b, 'kamailio.cfg')));
    expect(existsSync(join(w.fake, 'running'))).toBe(true);
  });

  it('openwrt: the procd init script is installed executable', () => {
    const w = withBundle(world());
    const b = w.bundle('bilbao.surv', 'openwrt');
    expect(install(w, b).status).toBe(0);
    expect(statSync(at(w, 'etc/init.d/surv-kamailio')).mode & 0o777).toBe(0o755);
    expect(readFileSync(at(w, 'etc/init.d/surv-kamailio'))).toEqual(readFileSync(join(b, 'surv-kamailio.init')));
  });

  it('edgeos --dry-run lists the /etc files the boot hook will write too', () => {
    const w = world();
    packageFiles(w);
    const r = install(w, bundle('bilbao.surv', 'edgeos'), '--dry-run');
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n').filter((l) => /^(new|changed|unchanged) /.test(l));
    expect(lines).toEqual([
      'new        /config/surv/kamailio.cfg',
      'new        /config/surv/kamailio.default',
      'new        /config/scripts/post-config.d/surv-kamailio.sh',
      'changed    /etc/kamailio/kamailio.cfg (copied there by the boot hook)',
      'changed    /etc/default/kamailio (copied there by the boot hook)',
    ]);
    expect(r.stdout).toContain('\n-# the package\'s own configuration\n');
    expect(r.stdout.endsWith('dry run: 5 file(s) would change (each replaced one kept as FILE.surv-previous) and Kamailio would be restarted; nothing was changed\n')).toBe(true);
    expect(r.status).toBe(0);
  });

  it('edgeos: the boot hook checks the /config copy before it touches /etc, and keeps what it replaces', () => {
    const w = world();
    packageFiles(w);
    const b = bundle('bilbao.surv', 'edgeos');
    expect(install(w, b).status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg.surv-previous'), 'utf8')).toBe('#!KAMAILIO\n# the package\'s own configuration\n');
    // A /config copy Kamailio rejects (damaged, or edited by hand) never reaches /etc.
    writeFileSync(at(w, 'config/surv/kamailio.cfg'), 'damaged\n');
    writeFileSync(join(w.fake, 'kamailio-rejects'), '');
    const before = snapshot(w.root);
    const hook = runHook(w);
    expect(hook.stdout).toBe('surv-kamailio: kamailio -c rejects /config/surv/kamailio.cfg: /etc left as it is, Kamailio not restarted\n');
    expect(hook.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual(['restart', 'running']);
  });
});

describe('ShellCheck', () => {
  it('passes every generated script (install.sh, EdgeOS hook, OpenWrt init) of every target', () => {
    const files: string[] = [];
    for (const example of ['bilbao.surv', 'critical-branch.surv']) {
      for (const target of ['debian', 'edgeos', 'openwrt']) {
        const dir = bundle(example, target);
        files.push(join(dir, 'install.sh'));
        if (target === 'edgeos') files.push(join(dir, 'surv-kamailio.sh'));
        if (target === 'openwrt') files.push(join(dir, 'surv-kamailio.init'));
      }
    }
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', ...files], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
