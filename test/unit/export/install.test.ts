// install.sh run by /bin/sh against a fake root, with a fake kamailio binary and a fake
// service manager: dry run, install, idempotence, refusal by kamailio -c, rollback.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, surv } from '../cli/helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
interface World { root: string; fake: string; bundle: (example: string, target?: string) => string }

/** A fresh fake root and fake tools. The service "runs" when FAKE/running exists. */
function world(): World {
  const base = join(work, `w${++n}`);
  const root = join(base, 'root');
  const fake = join(base, 'fake');
  mkdirSync(root, { recursive: true });
  mkdirSync(fake, { recursive: true });
  writeFileSync(join(fake, 'kamailio'), '#!/bin/sh\nif [ -f "$FAKE/kamailio-rejects" ]; then echo "parse error in config file" >&2; exit 255; fi\nexit 0\n');
  // restart: fails (and stops) when the installed cfg holds the marker in FAKE/bad-marker.
  writeFileSync(join(fake, 'service'), `#!/bin/sh
echo "$1" >>"$FAKE/calls"
case $1 in
	running) [ -f "$FAKE/running" ] ;;
	restart)
		cfg="$SURV_ROOT/etc/kamailio/kamailio.cfg"
		if [ -f "$FAKE/bad-marker" ] && grep -q "$(cat "$FAKE/bad-marker")" "$cfg"; then rm -f "$FAKE/running"; exit 1; fi
		touch "$FAKE/running" ;;
esac
`);
  chmodSync(join(fake, 'kamailio'), 0o755);
  chmodSync(join(fake, 'service'), 0o755);
  return {
    root, fake,
    bundle: (example, target = 'debian') => {
      const out = join(base, `bundle-${example.replace(/\W/g, '-')}-${target}`);
      const run = surv(['export', `examples/${example}`, '-t', target, '-o', out]);
      if (run.status !== 0) throw new Error(run.stderr);
      return out;
    },
  };
}

function install(w: World, bundle: string, ...args: string[]) {
  const r = spawnSync('/bin/sh', [join(bundle, 'install.sh'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, SURV_ROOT: w.root, SURV_KAMAILIO: join(w.fake, 'kamailio'), SURV_SERVICE: join(w.fake, 'service'), SURV_SETTLE: '0', SURV_WAIT: '0', FAKE: w.fake },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const calls = (w: World) => (existsSync(join(w.fake, 'calls')) ? readFileSync(join(w.fake, 'calls'), 'utf8').trim().split('\n') : []);
const at = (w: World, path: string) => join(w.root, path);

beforeAll(ensureBuilt);

describe('install.sh (debian)', () => {
  it('--dry-run lists the new files and changes nothing', () => {
    const w = world();
    const b = w.bundle('bilbao.surv');
    const r = install(w, b, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'new        /etc/kamailio/kamailio.cfg',
      'new        /etc/default/kamailio',
      'new        /etc/systemd/system/kamailio.service.d/surv.conf',
      'dry run: 3 file(s) would change and Kamailio would be restarted; nothing was changed',
      '',
    ].join('\n'));
    expect(r.status).toBe(0);
    expect(existsSync(at(w, 'etc'))).toBe(false);
    expect(calls(w)).toEqual([]);
  });

  it('installs, restarts, and does nothing the second time', () => {
    const w = world();
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
    const w = world();
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
    const w = world();
    install(w, w.bundle('bilbao.surv'));
    writeFileSync(join(w.fake, 'kamailio-rejects'), '');
    const r = install(w, w.bundle('two-head-offices.surv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('parse error in config file\ninstall.sh: kamailio -c rejects the new kamailio.cfg: nothing was changed\n');
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toContain('branch bilbao');
  });

  it('keeps the previous files, and puts them back when Kamailio does not come up', () => {
    const w = world();
    install(w, w.bundle('bilbao.surv'));
    const previous = readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8');
    writeFileSync(join(w.fake, 'bad-marker'), 'branch zaragoza');
    const r = install(w, w.bundle('two-head-offices.surv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Kamailio did not come up with the new files: restoring the previous ones\ninstall.sh: the new configuration did not start; the previous one is back and running\n');
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'), 'utf8')).toBe(previous);
    expect(existsSync(at(w, 'etc/kamailio/kamailio.cfg.surv-previous'))).toBe(false);
    expect(calls(w).filter((c) => c === 'restart')).toHaveLength(3);
    // After a successful install, the replaced files stay as *.surv-previous.
    rmSync(join(w.fake, 'bad-marker'));
    expect(install(w, w.bundle('two-head-offices.surv')).status).toBe(0);
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg.surv-previous'), 'utf8')).toBe(previous);
  });

  it('a damaged bundle is refused before anything else', () => {
    const w = world();
    const b = w.bundle('bilbao.surv');
    writeFileSync(join(b, 'kamailio.cfg'), `${readFileSync(join(b, 'kamailio.cfg'), 'utf8')}# changed\n`);
    const r = install(w, b);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the bundle is damaged or incomplete');
    expect(existsSync(at(w, 'etc'))).toBe(false);
  });

  it('an unknown option is a usage error', () => {
    const w = world();
    const r = install(w, w.bundle('bilbao.surv'), '--force');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('install.sh: unknown option: --force');
  });
});

describe('install.sh (edgeos, openwrt)', () => {
  it('edgeos: the files go to /config (kept by firmware upgrades); the boot hook copies them into /etc', () => {
    const w = world();
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
    const hook = spawnSync('/bin/sh', [at(w, 'config/scripts/post-config.d/surv-kamailio.sh')], {
      encoding: 'utf8', env: { ...process.env, SURV_ROOT: w.root, SURV_KAMAILIO: join(w.fake, 'kamailio'), SURV_SERVICE: join(w.fake, 'service'), FAKE: w.fake },
    });
    expect(hook.status).toBe(0);
    expect(hook.stdout).toBe('surv-kamailio: starting Kamailio for branch hospital-north\n');
    expect(readFileSync(at(w, 'etc/kamailio/kamailio.cfg'))).toEqual(readFileSync(join(b, 'kamailio.cfg')));
    expect(existsSync(join(w.fake, 'running'))).toBe(true);
  });

  it('openwrt: the procd init script is installed executable', () => {
    const w = world();
    const b = w.bundle('bilbao.surv', 'openwrt');
    expect(install(w, b).status).toBe(0);
    expect(statSync(at(w, 'etc/init.d/surv-kamailio')).mode & 0o777).toBe(0o755);
    expect(readFileSync(at(w, 'etc/init.d/surv-kamailio'))).toEqual(readFileSync(join(b, 'surv-kamailio.init')));
  });
});
