// The OpenWrt bundle's scripts as OpenWrt runs them: under busybox sh (ash) with only
// busybox's applets on PATH. install.sh installs into a fake root (SURV_ROOT) and is
// idempotent; the procd init script, sourced with stand-ins for what /etc/rc.common and
// procd give it, asks procd for the exact Kamailio command line and respawn settings,
// reading its UCI settings; both pass ShellCheck as sh and as dash (an Almquist shell,
// like busybox ash: ShellCheck 0.9 has no busybox dialect). Fails loudly without
// busybox, ShellCheck or Debian's kamailio (install.sh checks the cfg with it).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, type Bundle } from '../../engines/export/index.js';
import { opkgPackages } from '../../engines/export/openwrt.js';
import { analyseTexts, example } from '../unit/export/helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-openwrt-'));
const applets = join(work, 'busybox-bin');
const kamailio = '/usr/sbin/kamailio';

function need(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} is not installed (${path}): apt-get install -y ${what}`);
}

beforeAll(() => {
  need('/bin/busybox', 'busybox');
  need('/usr/bin/shellcheck', 'shellcheck');
  need(kamailio, 'kamailio');
  mkdirSync(applets);
  // Only busybox's applets on PATH, as on OpenWrt: no Debian coreutils behind install.sh's back.
  const made = spawnSync('/bin/busybox', ['--install', '-s', applets], { encoding: 'utf8' });
  expect(made.stderr).toBe('');
  for (const tool of ['sh', 'sed', 'tr', 'cmp', 'diff', 'sha256sum', 'awk', 'cp', 'mv', 'id']) {
    expect(realpathSync(join(applets, tool))).toBe(realpathSync('/bin/busybox'));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
const fresh = (name: string): string => {
  const dir = join(work, `${name}-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

function openwrtBundle(path: string): { dir: string; bundle: Bundle } {
  const a = analyseTexts({ [path]: example(path) });
  const bundle = buildBundle(a.branches[0]!, a.sources, { target: 'openwrt', toolVersion: '9.9.9' });
  const dir = fresh('bundle');
  for (const f of bundle.files) {
    writeFileSync(join(dir, f.path), f.content);
    chmodSync(join(dir, f.path), f.mode);
  }
  return { dir, bundle };
}

const content = (b: Bundle, path: string): string => b.files.find((f) => f.path === path)!.content;

interface Router { readonly root: string; readonly fake: string }

/** A router: an empty root, and a service manager that "runs" Kamailio while FAKE/running exists. */
function router(): Router {
  const base = fresh('router');
  const root = join(base, 'root');
  const fake = join(base, 'fake');
  mkdirSync(root);
  mkdirSync(fake);
  writeFileSync(join(fake, 'service'), `#!/bin/busybox sh
echo "$1" >>"${fake}/calls"
case $1 in
	running) [ -f "${fake}/running" ] ;;
	restart) touch "${fake}/running" ;;
esac
`);
  chmodSync(join(fake, 'service'), 0o755);
  return { root, fake };
}

function busybox(script: string, args: readonly string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/busybox', ['sh', script, ...args], { encoding: 'utf8', env: { PATH: applets, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const install = (r: Router, dir: string, ...args: string[]) => busybox(join(dir, 'install.sh'), args, {
  SURV_ROOT: r.root, SURV_KAMAILIO: kamailio, SURV_SERVICE: join(r.fake, 'service'), SURV_SETTLE: '0', SURV_WAIT: '0',
});

/** Every file and link below `dir`: mode and content (a link's target). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const s = lstatSync(path);
      if (s.isSymbolicLink()) out[prefix + name] = `link ${readlinkSync(path)}`;
      else if (s.isDirectory()) walk(path, `${prefix}${name}/`);
      else out[prefix + name] = `${(s.mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir, '');
  return out;
}

describe('install.sh of an OpenWrt bundle under busybox sh', () => {
  it('installs the cfg, the UCI settings, the dispatcher list and the procd script, then does nothing the second time', () => {
    const { dir, bundle } = openwrtBundle('examples/getxo-clinic.surv');
    const r = router();
    const first = install(r, dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('installed '))).toEqual([
      'installed  /etc/kamailio/kamailio.cfg',
      'installed  /etc/config/surv',
      'installed  /etc/kamailio/dispatcher.list',
      'installed  /etc/init.d/surv-kamailio',
    ]);
    expect(first.stdout).toMatch(/\nKamailio runs the survival proxy of branch getxo\. [^\n]*\n$/);
    const installed = snapshot(r.root);
    expect(installed['etc/kamailio/kamailio.cfg']).toBe(`644 ${content(bundle, 'kamailio.cfg')}`);
    expect(installed['etc/config/surv']).toBe(`644 ${content(bundle, 'surv.uci')}`);
    expect(installed['etc/kamailio/dispatcher.list']).toBe(`644 ${content(bundle, 'dispatcher.list')}`);
    expect(installed['etc/init.d/surv-kamailio']).toBe(`755 ${content(bundle, 'surv-kamailio.init')}`);
    expect(Object.keys(installed).filter((p) => p.startsWith('etc/default'))).toEqual([]);
    expect(readFileSync(join(r.fake, 'calls'), 'utf8')).toContain('restart\n');

    const again = install(r, dir);
    expect(again).toEqual({ status: 0, stdout: 'already installed: branch getxo, nothing to do\n', stderr: '' });
    expect(snapshot(r.root)).toEqual(installed);
  });

  it('busybox diff shows a setting changed on the router; busybox sha256sum catches a damaged bundle', () => {
    const { dir } = openwrtBundle('examples/bilbao.surv');
    const r = router();
    expect(install(r, dir).status).toBe(0);
    const uci = join(r.root, 'etc/config/surv');
    writeFileSync(uci, readFileSync(uci, 'utf8').replace("option shm_memory '32'", "option shm_memory '64'"));
    const dry = install(r, dir, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("changed    /etc/config/surv\n");
    expect(dry.stdout).toContain("\n-\toption shm_memory '64'\n+\toption shm_memory '32'\n");
    expect(dry.stdout.endsWith('dry run: 1 file(s) would change (each replaced one kept as FILE.surv-previous) and Kamailio would be restarted; nothing was changed\n')).toBe(true);

    writeFileSync(join(dir, 'kamailio.cfg'), `${readFileSync(join(dir, 'kamailio.cfg'), 'utf8')}# edited\n`);
    const before = snapshot(r.root);
    const damaged = install(r, dir);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toContain('install.sh: the bundle is damaged or incomplete (sha256sum -c SHA256SUMS fails): copy it again\n');
    expect(snapshot(r.root)).toEqual(before);
  });

  it('--dry-run lists the four new files and changes nothing', () => {
    const { dir } = openwrtBundle('examples/getxo-clinic.surv');
    const r = router();
    const dry = install(r, dir, '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout.split('\n').filter((l) => /^(new|changed|unchanged) /.test(l))).toEqual([
      'new        /etc/kamailio/kamailio.cfg',
      'new        /etc/config/surv',
      'new        /etc/kamailio/dispatcher.list',
      'new        /etc/init.d/surv-kamailio',
    ]);
    expect(snapshot(r.root)).toEqual({});
  });
});

describe('ShellCheck on the OpenWrt scripts', () => {
  for (const shell of ['sh', 'dash']) {
    it(`install.sh and surv-kamailio.init pass as ${shell}`, () => {
      const files = ['examples/getxo-clinic.surv', 'examples/bilbao.surv'].flatMap((e) => {
        const { dir } = openwrtBundle(e);
        return [join(dir, 'install.sh'), join(dir, 'surv-kamailio.init')];
      });
      const r = spawnSync('shellcheck', [`--shell=${shell}`, '--severity=style', ...files], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('busybox sh -n parses both', () => {
    const { dir } = openwrtBundle('examples/getxo-clinic.surv');
    for (const f of ['install.sh', 'surv-kamailio.init']) {
      const r = spawnSync('/bin/busybox', ['sh', '-n', join(dir, f)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });
});

/**
 * Runs the init script's start_service and service_triggers in busybox sh, sourced
 * after stand-ins for /etc/rc.common's config_load/config_get (reading UCI files of
 * the exported shape from `uciDir`) and procd's procd_* calls, each logged with its
 * arguments in <>; `after` runs between sourcing and start_service.
 */
function runInit(init: string, uciDir: string, after = ''): string[] {
  const base = fresh('init');
  const log = join(base, 'log');
  const harness = join(base, 'harness.sh');
  writeFileSync(harness, `
record() { printf '%s' "$1" >>"${log}"; shift; for a in "$@"; do printf ' <%s>' "$a" >>"${log}"; done; printf '\\n' >>"${log}"; }
config_load() { record config_load "$@"; UCI_FILE="${uciDir}/$1"; }
config_get() {
	value=''
	if [ -f "$UCI_FILE" ]; then
		value=$(sed -n "/^config [a-z_]* '$2'\\$/,/^config /s/^[[:space:]]*option $3 '\\(.*\\)'\\$/\\1/p" "$UCI_FILE")
	fi
	[ -n "$value" ] || value=$4
	eval "$1=\\$value"
}
procd_open_instance() { record procd_open_instance "$@"; }
procd_set_param() { record procd_set_param "$@"; }
procd_close_instance() { record procd_close_instance "$@"; }
procd_add_reload_trigger() { record procd_add_reload_trigger "$@"; }
mkdir() { record mkdir "$@"; }
chown() { record chown "$@"; }
logger() { record logger "$@"; }
. "${init}"
${after}
start_service
record "start_service returned $?"
service_triggers
`);
  const r = spawnSync('/bin/busybox', ['sh', harness], { encoding: 'utf8', env: { PATH: applets } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(log, 'utf8').trimEnd().split('\n');
}

describe('the procd init script, with rc.common and procd stood in for', () => {
  const started = (command: string, respawn: string) => [
    'config_load <surv>',
    'mkdir <-p> </var/run/kamailio>',
    'chown <kamailio:kamailio> </var/run/kamailio>',
    'procd_open_instance',
    `procd_set_param <command> ${command}`,
    `procd_set_param <respawn> ${respawn}`,
    'procd_set_param <stdout> <1>',
    'procd_set_param <stderr> <1>',
    'procd_close_instance',
    'start_service returned 0',
    'procd_add_reload_trigger <surv>',
  ];
  const standard = '</usr/sbin/kamailio> <-DD> <-f> </etc/kamailio/kamailio.cfg> <-m> <32> <-M> <4> <-u> <kamailio> <-g> <kamailio> <-P> </var/run/kamailio/kamailio.pid>';

  it('with the bundle\'s /etc/config/surv: Kamailio in the foreground, logging to syslog, respawned for ever every 5 s', () => {
    const { dir } = openwrtBundle('examples/getxo-clinic.surv');
    const uci = fresh('uci');
    writeFileSync(join(uci, 'surv'), readFileSync(join(dir, 'surv.uci')));
    expect(runInit(join(dir, 'surv-kamailio.init'), uci)).toEqual(started(standard, '<3600> <5> <0>'));
  });

  it('without /etc/config/surv its defaults are the same', () => {
    const { dir } = openwrtBundle('examples/getxo-clinic.surv');
    expect(runInit(join(dir, 'surv-kamailio.init'), fresh('uci'))).toEqual(started(standard, '<3600> <5> <0>'));
  });

  it('reads each setting from UCI (uci set surv.kamailio.NAME=VALUE)', () => {
    const { dir } = openwrtBundle('examples/getxo-clinic.surv');
    const uci = fresh('uci');
    const changed = readFileSync(join(dir, 'surv.uci'), 'utf8')
      .replace("option shm_memory '32'", "option shm_memory '64'").replace("option pkg_memory '4'", "option pkg_memory '8'")
      .replace("option user 'kamailio'", "option user 'voip'").replace("option respawn_retry '0'", "option respawn_retry '5'")
      .replace("option cfg_file '/etc/kamailio/kamailio.cfg'", "option cfg_file '/etc/kamailio/branch.cfg'");
    writeFileSync(join(uci, 'surv'), changed);
    const log = runInit(join(dir, 'surv-kamailio.init'), uci);
    expect(log[2]).toBe('chown <voip:kamailio> </var/run/kamailio>');
    expect(log[4]).toBe('procd_set_param <command> </usr/sbin/kamailio> <-DD> <-f> </etc/kamailio/branch.cfg> <-m> <64> <-M> <8> <-u> <voip> <-g> <kamailio> <-P> </var/run/kamailio/kamailio.pid>');
    expect(log[5]).toBe('procd_set_param <respawn> <3600> <5> <5>');
  });

  it('after a sysupgrade removed Kamailio: starts nothing and logs the opkg command, from the installed cfg\'s loadmodule lines', () => {
    const { dir, bundle } = openwrtBundle('examples/getxo-clinic.surv');
    const uci = fresh('uci');
    writeFileSync(join(uci, 'surv'), readFileSync(join(dir, 'surv.uci'), 'utf8').replace('/etc/kamailio/kamailio.cfg', join(dir, 'kamailio.cfg')));
    const log = runInit(join(dir, 'surv-kamailio.init'), uci, 'PROG=/nonexistent/kamailio');
    const packages = opkgPackages(content(bundle, 'kamailio.cfg'));
    expect(packages).toHaveLength(24);
    expect(log).toEqual([
      'config_load <surv>',
      `logger <-p> <daemon.err> <-t> <surv-kamailio> <kamailio is not installed (a sysupgrade removes opkg packages): opkg update && opkg install ${packages.join(' ')}>`,
      'start_service returned 1',
      'procd_add_reload_trigger <surv>',
    ]);
  });
});

describe('the command line procd runs, with Debian\'s Kamailio (127.0.42.1)', () => {
  const design = `branch live {
  edge listen udp 127.0.42.1:5060
  lan 127.0.42.0/24
  gateway pstn { address 127.0.42.3  kind bri  channels 2 }
  upstream cloud { proxy sip:127.0.42.2:5060 }
  phone desk 100 at 127.0.42.10
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
  inbound from pstn { ring desk }
}
`;

  it('stays in the foreground as the process procd started, drops to the kamailio user, logs nothing on stderr', async () => {
    const a = analyseTexts({ 'live.surv': design });
    const bundle = buildBundle(a.branches[0]!, a.sources, { target: 'openwrt', toolVersion: '9.9.9' });
    const dir = fresh('live');
    for (const f of bundle.files) writeFileSync(join(dir, f.path), f.content);
    const run = fresh('run');
    const ids = (flag: string) => Number(spawnSync('id', [flag, 'kamailio'], { encoding: 'utf8' }).stdout.trim());
    chownSync(run, ids('-u'), ids('-g'));
    const uci = fresh('uci');
    writeFileSync(join(uci, 'surv'), content(bundle, 'surv.uci').replace('/etc/kamailio/kamailio.cfg', join(dir, 'kamailio.cfg')));
    // The pid file goes to this test's own folder instead of /var/run/kamailio.
    const log = runInit(join(dir, 'surv-kamailio.init'), uci, `RUNDIR=${run}`);
    const command = [...log[4]!.matchAll(/<([^>]*)>/g)].map((m) => m[1]!).slice(1);
    expect(command).toEqual(['/usr/sbin/kamailio', '-DD', '-f', join(dir, 'kamailio.cfg'), '-m', '32', '-M', '4', '-u', 'kamailio', '-g', 'kamailio', '-P', join(run, 'kamailio.pid')]);

    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(join(run, 'kamailio.pid')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      // -DD: the process procd started is Kamailio's main process, still running (with the
      // default -DDD it would have forked a daemon and exited, out of procd's sight).
      expect(child.exitCode).toBeNull();
      expect(readFileSync(join(run, 'kamailio.pid'), 'utf8').trim()).toBe(String(child.pid));
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe(String(ids('-u')));
      expect(stdout).toContain('udp: 127.0.42.1 [127.0.42.1]:5060');
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
