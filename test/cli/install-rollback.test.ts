// install.sh --rollback (the last successful install undone, Kamailio restarted on what it
// replaced) and the files the cfg reads (TLS files the site provides, dispatcher.list the
// bundle installs): each checked before Kamailio restarts, a missing one refused with the
// root left as it was. Against the fake router of install-world.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, surv } from './helpers.js';
import { at, bundle, calls, install as run, packageFiles, removeWorlds, runHook, snapshot, world, type World } from './install-world.js';

const designs = mkdtempSync(join(tmpdir(), 'surv-rollback-'));
afterAll(() => {
  removeWorlds();
  rmSync(designs, { recursive: true, force: true });
});
beforeAll(ensureBuilt);

const install = (w: World, dir: string, ...args: string[]) => run(w, dir, args);

/** The root without install.sh's own state: what a router's files look like. */
const files = (w: World) => Object.fromEntries(Object.entries(snapshot(w.root)).filter(([p]) => !p.startsWith('var/lib/surv-install')));

/** A router with Debian's kamailio package: its own cfg and defaults. */
function packaged(): World {
  const w = world();
  packageFiles(w);
  return w;
}

describe('install.sh --rollback', () => {
  it('with no install kept: says so, changes nothing, restarts nothing', () => {
    const w = packaged();
    const before = snapshot(w.root);
    const r = install(w, bundle('bilbao.surv'), '--rollback');
    expect(r.stdout).toBe('nothing to roll back: no install by install.sh is kept on this router\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual([]);
  });

  it('after a first install: the package\'s files are back, the bundle\'s gone, Kamailio restarted', () => {
    const w = packaged();
    const before = files(w);
    expect(install(w, bundle('bilbao.surv')).status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toContain('branch bilbao');
    const r = install(w, bundle('bilbao.surv'), '--rollback');
    expect(r.stdout).toBe('rolled back: the last install is undone and Kamailio runs the configuration it replaced\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(files(w)).toEqual(before);
    expect(snapshot(w.root)['var/lib/surv-install.last']).toBeUndefined();
    expect(calls(w)).toEqual(['restart', 'running', 'restart', 'wanted', 'running']);
    // One level: a second --rollback has nothing left.
    expect(install(w, bundle('bilbao.surv'), '--rollback').stdout).toBe('nothing to roll back: no install by install.sh is kept on this router\n');
  });

  it('after an update: the previous bundle runs again, from any bundle folder', () => {
    const w = packaged();
    expect(install(w, bundle('bilbao.surv')).status).toBe(0);
    const bilbao = files(w);
    expect(install(w, bundle('critical-branch.surv')).status).toBe(0);
    expect(files(w)).not.toEqual(bilbao);
    const dry = install(w, bundle('bilbao.surv'), '--rollback', '--dry-run');
    expect(dry.stdout.split('\n')[0]).toBe('dry run: --rollback would put back what the last install changed, then restart Kamailio:');
    expect(dry.stdout).toContain(`restore    ${at(w, 'etc/kamailio/kamailio.cfg')}\n`);
    expect(dry.status).toBe(0);
    const r = install(w, bundle('critical-branch.surv'), '--rollback');
    expect(r.status).toBe(0);
    expect(files(w)).toEqual(bilbao);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toBe(readFileSync(join(bundle('bilbao.surv'), 'kamailio.cfg'), 'utf8'));
  });

  it('an install that changed nothing keeps the journal of the one before it', () => {
    const w = packaged();
    const before = files(w);
    expect(install(w, bundle('bilbao.surv')).status).toBe(0);
    expect(install(w, bundle('bilbao.surv')).stdout).toBe('already installed: branch bilbao, nothing to do\n');
    expect(install(w, bundle('bilbao.surv'), '--rollback').status).toBe(0);
    expect(files(w)).toEqual(before);
  });

  it('EdgeOS: the hook, /config/surv and the copies in /etc all go back', () => {
    const w = packaged();
    const before = files(w);
    expect(install(w, bundle('bilbao.surv', 'edgeos')).status).toBe(0);
    expect(snapshot(w.root)['config/scripts/post-config.d/surv-kamailio.sh']).toBeDefined();
    const r = install(w, bundle('bilbao.surv', 'edgeos'), '--rollback');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(files(w)).toEqual(before);
  });

  it('Kamailio does not start on the restored files: exit 1 with what to look at, the files restored anyway', () => {
    const w = packaged();
    const before = files(w);
    expect(install(w, bundle('bilbao.surv')).status).toBe(0);
    // The fake service fails a restart on a cfg holding this text: the package's own cfg.
    writeFileSync(join(w.fake, 'bad-marker'), 'the package');
    const r = install(w, bundle('bilbao.surv'), '--rollback');
    expect(r.stderr).toBe('install.sh: rolled back: every file is as it was before the last install, but Kamailio does not start on it: see the system log\n');
    expect(r.status).toBe(1);
    expect(files(w)).toEqual(before);
  });
});

function tlsDesign(): string {
  const path = join(designs, 'tls.surv');
  writeFileSync(path, `branch tls-shop {
  edge listen udp 127.0.23.1:5060, tls 127.0.23.1:5061
  lan 127.0.23.8/29
  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }
  gateway pstn { address 127.0.23.3:5060  kind bri  channels 2 }
  upstream cloud { proxy sip:127.0.23.2:5060 }
  phone till1 101 at 127.0.23.10:5061 transport tls
  outbound from lan via cloud {
    on timeout { redirect 302 to pstn }
  }
}
`);
  const out = join(designs, 'tls-bundle');
  const r = surv(['export', path, '-t', 'debian', '-o', out]);
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

describe('install.sh: the files the cfg reads', () => {
  it('a TLS file the site must provide is missing: refused before any change, naming it', () => {
    const b = tlsDesign();
    const w = packaged();
    mkdirSync(at(w, 'etc/kamailio/tls'), { recursive: true });
    writeFileSync(at(w, 'etc/kamailio/tls/cert.pem'), 'certificate\n');
    const before = snapshot(w.root);
    const r = install(w, b);
    expect(r.stderr).toBe('install.sh: the TLS private key /etc/kamailio/tls/key.pem is missing or unreadable: put it there (readable by the kamailio user) before installing; nothing was changed\n');
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual([]);
    // With the key in place it installs.
    writeFileSync(at(w, 'etc/kamailio/tls/key.pem'), 'key\n');
    expect(install(w, b).status).toBe(0);
  });

  it('the cfg reads every file below SURV_ROOT, and the manifest lists them', () => {
    const b = tlsDesign();
    const cfg = readFileSync(join(b, 'kamailio.cfg'), 'utf8');
    expect(cfg).toContain('#!ifndef SURV_ROOT\n#!define SURV_ROOT ""\n#!endif\n');
    expect(cfg).toContain('modparam("tls", "certificate", SURV_ROOT "/etc/kamailio/tls/cert.pem")\nmodparam("tls", "private_key", SURV_ROOT "/etc/kamailio/tls/key.pem")\n');
    const manifest = JSON.parse(readFileSync(join(b, 'manifest.json'), 'utf8')) as { reads: unknown };
    expect(manifest.reads).toEqual([
      { path: '/etc/kamailio/tls/cert.pem', from: 'site', what: 'the TLS certificate' },
      { path: '/etc/kamailio/tls/key.pem', from: 'site', what: 'the TLS private key' },
    ]);
    const probing = JSON.parse(readFileSync(join(bundle('critical-branch.surv'), 'manifest.json'), 'utf8')) as { reads: unknown };
    expect(probing.reads).toEqual([{ path: '/etc/kamailio/dispatcher.list', from: 'bundle', what: 'dispatcher.list' }]);
    expect(readFileSync(join(bundle('critical-branch.surv'), 'kamailio.cfg'), 'utf8')).toContain('modparam("dispatcher", "list_file", SURV_ROOT "/etc/kamailio/dispatcher.list")\n');
  });
});

describe('install.sh: the Kamailio version', () => {
  it('an older Kamailio is refused before any change, saying what is needed, why and how to get it', () => {
    const w = packaged();
    writeFileSync(join(w.fake, 'version'), '4.4.7');
    const before = snapshot(w.root);
    const r = install(w, bundle('bilbao.surv'));
    const cfg = readFileSync(join(bundle('bilbao.surv'), 'kamailio.cfg'), 'utf8');
    const needs = /^# Needs Kamailio (\d+\.\d+) or later/m.exec(cfg)?.[1];
    expect(needs).toBe('5.4');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('this router has Kamailio 4.4.7; kamailio.cfg needs Kamailio 5.4 or later for:');
    expect(lines[1]).toMatch(/^ {2}- .+ \(Kamailio 5\.4\)$/);
    expect(lines.at(-2)).toBe('install.sh: nothing was changed');
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual([]);
  });

  it('the same version as needed, or newer, installs', () => {
    for (const version of ['5.4.0', '5.8.1']) {
      const w = packaged();
      writeFileSync(join(w.fake, 'version'), version);
      expect(install(w, bundle('bilbao.surv')).status, version).toBe(0);
    }
  });
});

describe('install.sh on OpenWrt: what a firmware upgrade keeps', () => {
  const entries = (probing: boolean) => [
    '/etc/kamailio/kamailio.cfg', '/etc/config/surv', ...(probing ? ['/etc/kamailio/dispatcher.list'] : []),
    '/etc/init.d/surv-kamailio', '/etc/rc.d/S95surv-kamailio',
  ];

  it('lists every installed path and the boot link in /etc/sysupgrade.conf, once, keeping the user\'s lines', () => {
    const w = packaged();
    mkdirSync(at(w, 'etc'), { recursive: true });
    writeFileSync(at(w, 'etc/sysupgrade.conf'), '## This file contains files and directories that should\n/etc/wireguard/\n');
    const dry = install(w, bundle('critical-branch.surv', 'openwrt'), '--dry-run');
    expect(dry.stdout).toContain('listed     /etc/init.d/surv-kamailio (in /etc/sysupgrade.conf, kept by firmware upgrades)\n');
    expect(readFileSync(at(w, 'etc/sysupgrade.conf'), 'utf8')).toBe('## This file contains files and directories that should\n/etc/wireguard/\n');
    expect(install(w, bundle('critical-branch.surv', 'openwrt')).status).toBe(0);
    expect(readFileSync(at(w, 'etc/sysupgrade.conf'), 'utf8')).toBe(`## This file contains files and directories that should\n/etc/wireguard/\n${entries(true).join('\n')}\n`);
    expect(install(w, bundle('critical-branch.surv', 'openwrt')).stdout).toBe('already installed: branch hospital-north, nothing to do\n');
    // Another bundle without probing: nothing removed, nothing listed twice.
    expect(install(w, bundle('bilbao.surv', 'openwrt')).status).toBe(0);
    expect(readFileSync(at(w, 'etc/sysupgrade.conf'), 'utf8').split('\n').filter((l) => l.startsWith('/etc/kamailio/kamailio.cfg'))).toHaveLength(1);
  });

  it('the journal lives on flash (/etc/surv-install), and --rollback takes the lines out again', () => {
    const w = packaged();
    const before = snapshot(w.root);
    expect(install(w, bundle('bilbao.surv', 'openwrt')).status).toBe(0);
    expect(snapshot(w.root)['etc/surv-install.last/journal']).toBeDefined();
    expect(snapshot(w.root)['var/lib/surv-install.last/journal']).toBeUndefined();
    expect(readFileSync(at(w, 'etc/sysupgrade.conf'), 'utf8')).toBe(`${entries(false).join('\n')}\n`);
    // The package's own service was off (UCI enabled '0'): after the rollback Kamailio stays stopped.
    writeFileSync(join(w.fake, 'unwanted'), '');
    const r = install(w, bundle('bilbao.surv', 'openwrt'), '--rollback');
    expect(r.stdout).toBe('rolled back: the last install is undone; Kamailio was not enabled before it, so it stays stopped\n');
    expect(r.status).toBe(0);
    expect(snapshot(w.root)).toEqual(before);
  });
});

describe('the EdgeOS boot hook checks what install.sh checks', () => {
  it('an older Kamailio after a firmware upgrade: /etc left as it is, nothing restarted', () => {
    const w = packaged();
    expect(install(w, bundle('critical-branch.surv', 'edgeos')).status).toBe(0);
    // The upgrade put the package's files back in /etc and an older Kamailio.
    writeFileSync(at(w, 'etc/kamailio/kamailio.cfg'), '#!KAMAILIO\n# the package\'s own configuration\n');
    writeFileSync(join(w.fake, 'version'), '5.2.1');
    const before = snapshot(w.root);
    const r = runHook(w);
    expect(r.stdout).toBe('surv-kamailio: the installed Kamailio is too old for /config/surv/kamailio.cfg: /etc left as it is, Kamailio not restarted\n');
    expect(r.stderr.split('\n')[0]).toBe('this router has Kamailio 5.2.1; kamailio.cfg needs Kamailio 5.4 or later for:');
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual(['restart', 'running']);
  });

  it('dispatcher.list gone from /config/surv: /etc left as it is', () => {
    const w = packaged();
    expect(install(w, bundle('critical-branch.surv', 'edgeos')).status).toBe(0);
    rmSync(at(w, 'config/surv/dispatcher.list'));
    const before = snapshot(w.root);
    const r = runHook(w);
    expect(r.stdout).toBe('surv-kamailio: dispatcher.list /config/surv/dispatcher.list is missing or unreadable: /etc left as it is, Kamailio not restarted\n');
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
  });
});
