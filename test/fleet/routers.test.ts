// The test routers themselves (routers.ts): their service stand-in starts Kamailio as
// Debian's unit does, and each way of breaking a router fails for real. rollout.test.ts
// relies on both.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Routers, stockCfg, type Router } from './routers.js';

let fleet: Routers;
let r: Router;

/** The command line of the router's running Kamailio (its pid file's process). */
function commandLine(router: Router): string {
  const pid = readFileSync(join(router.root, 'run/kamailio.pid'), 'utf8').trim();
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
}

describe('test routers on loopback', () => {
  beforeAll(async () => {
    fleet = await Routers.start(1);
    r = fleet.routers[0]!;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('starts with its stock cfg running, as Debian\'s unit would start it', async () => {
    expect(await fleet.answering(r)).toBe('stock');
    expect(fleet.running(r)).toBe(true);
    expect(commandLine(r)).toBe(`/usr/sbin/kamailio -f ${r.root}/etc/kamailio/kamailio.cfg -P ${r.root}/run/kamailio.pid -Y ${r.root}/run/kamailio -m 64 -M 8 -A SURV_ROOT="${r.root}" -E`);
    expect(fleet.fileSha256(r, 'etc/kamailio/kamailio.cfg')).toBe(r.stockCfgSha256);
  });

  it('takes memory sizes and the cfg path from /etc/default/kamailio, like Debian\'s unit', async () => {
    writeFileSync(join(r.root, 'etc/default/kamailio'), 'RUN_KAMAILIO=yes\nSHM_MEMORY=16\nPKG_MEMORY=2\nCFGFILE=/etc/kamailio/other.cfg\n');
    writeFileSync(join(r.root, 'etc/kamailio/other.cfg'), stockCfg(r.address));
    expect(fleet.service(r, 'restart')).toEqual({ status: 0, output: '' });
    expect(commandLine(r)).toBe(`/usr/sbin/kamailio -f ${r.root}/etc/kamailio/other.cfg -P ${r.root}/run/kamailio.pid -Y ${r.root}/run/kamailio -m 16 -M 2 -A SURV_ROOT="${r.root}" -E`);
    expect(await fleet.answering(r)).toBe('stock');
  });

  it('wanted is true (Debian\'s kamailio service is enabled); another action is refused', () => {
    expect(fleet.service(r, 'wanted')).toEqual({ status: 0, output: '' });
    const other = spawnSync(r.service, ['reload'], { encoding: 'utf8' });
    expect([other.status, other.stderr]).toEqual([2, `usage: ${r.service} running|restart|stop|wanted\n`]);
  });

  it('stop leaves nothing answering; running is then false', async () => {
    expect(fleet.service(r, 'stop').status).toBe(0);
    expect(fleet.running(r)).toBe(false);
    expect(await fleet.answering(r)).toBe('no answer');
  });

  it('refuses to start beside a router left over from an earlier run', async () => {
    expect(fleet.service(r, 'restart').status).toBe(0);
    await expect(Routers.start(1)).rejects.toThrow(/^left over from an earlier run, still listening: 127\.0\.40\.1:2222 \(an sshd\), 127\.0\.40\.1:5060 \(answers OPTIONS: 200 stock\);/);
  });

  it('occupy(): a cfg that listens on TCP ADDRESS:5060 cannot start; the stock cfg (UDP only) still can', async () => {
    const tcp = stockCfg(r.address).replace(`listen=udp:${r.address}:5060`, `listen=udp:${r.address}:5060\nlisten=tcp:${r.address}:5060`);
    writeFileSync(join(r.root, 'etc/kamailio/other.cfg'), tcp);
    await fleet.occupy(r);
    try {
      expect(fleet.service(r, 'restart').status).toBe(1);
      expect(fleet.running(r)).toBe(false);
      expect(fleet.kamailioLog(r)).toContain(`tcp_init(): bind(`);
      expect(fleet.kamailioLog(r)).toContain(`on ${r.address}:5060 : Address already in use`);
      writeFileSync(join(r.root, 'etc/kamailio/other.cfg'), stockCfg(r.address));
      expect(fleet.service(r, 'restart').status).toBe(0);
      expect(await fleet.answering(r)).toBe('stock');
    } finally {
      await fleet.release(r);
    }
  });

  it('diesAfterStart(): that cfg starts, then dies as soon as the program that restarted it exits; another cfg lives', async () => {
    const cfg = join(r.root, 'etc/kamailio/other.cfg');
    const sha = spawnSync('sha256sum', [cfg], { encoding: 'utf8' }).stdout.split(' ')[0]!;
    fleet.diesAfterStart(r, sha);
    try {
      // A shell stands for install.sh: it restarts the service, checks it runs, then exits.
      const run = spawnSync('sh', ['-c', `"$1" restart && "$1" running && echo up`, 'sh', r.service], { encoding: 'utf8' });
      expect(run.stdout).toBe('up\n');
      let alive = true;
      for (let i = 0; i < 30 && alive; i++) {
        await new Promise((done) => setTimeout(done, 100));
        alive = fleet.running(r);
      }
      expect(alive).toBe(false);
      expect(await fleet.answering(r)).toBe('no answer');
      writeFileSync(cfg, `${stockCfg(r.address)}# another cfg\n`);
      expect(spawnSync('sh', ['-c', `"$1" restart && "$1" running && echo up`, 'sh', r.service], { encoding: 'utf8' }).stdout).toBe('up\n');
      await new Promise((done) => setTimeout(done, 500));
      expect(fleet.running(r)).toBe(true);
      expect(await fleet.answering(r)).toBe('stock');
    } finally {
      fleet.healthy(r);
    }
  });
});
