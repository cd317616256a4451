// Kamailio versions on the real tools (docs/export.md, "Kamailio versions"):
// - install.sh's check_version, run under dash, bash --posix and busybox ash against
//   fake `kamailio` binaries printing what `kamailio -v` prints (format of Kamailio's
//   main.c/ver.c, the same from 4.4 to 5.8), the real 5.6.3, garbage, nothing, a failure;
//   ShellCheck-clean for sh and dash;
// - the older forms of `surv export --kamailio`: every example still passes `kamailio -c`
//   on 5.6.3, and a two-LAN branch (fixtures/versions/versions.surv, 127.0.41.x)
//   behaves exactly as the simulator, message for message, with the same event lines.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { replay } from '../../io/replay/index.js';
import { liveSteps, simSteps } from '../../io/replay/compare.js';
import { renderVersionCheck, requiredKamailio, upgradeAdvice, type KamailioNeed } from '../../engines/export/kamailio-versions.js';
import type { Target } from '../../engines/export/index.js';
import { ensureBuilt, exportTo, kamailioBin, kamailioCheck, removeExports, requireTools, root, startKamailio, surv } from './support.js';
import { UdpActor, clock, invite } from './sip.js';

const work = mkdtempSync(join(tmpdir(), 'surv-versions-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeExports();
});

/** The shells install.sh must run under; busybox is OpenWrt's. */
const shells: readonly { name: string; argv: readonly string[] }[] = [
  { name: 'dash', argv: ['/bin/dash'] },
  { name: 'bash --posix', argv: ['/bin/bash', '--posix'] },
  { name: 'busybox ash', argv: ['/bin/busybox', 'ash'] },
];

/** A script that runs check_version as install.sh does (set -eu, the binary in $KAMAILIO) and says "ok VERSION". */
function harness(need: KamailioNeed, target: Target): string {
  const path = join(work, `check-${target}-${need.version}.sh`);
  writeFileSync(path, `#!/bin/sh\nset -eu\nKAMAILIO=$1\n\n${renderVersionCheck(need, target)}\n\ncheck_version || exit 1\nprintf '%s\\n' "ok $kv"\n`);
  return path;
}

/** With no KAMAILIO set: kamailio from the PATH. */
function pathHarness(need: KamailioNeed): string {
  const path = join(work, `check-path-${need.version}.sh`);
  writeFileSync(path, `#!/bin/sh\nset -eu\n\n${renderVersionCheck(need, 'debian')}\n\ncheck_version || exit 1\nprintf '%s\\n' "ok $kv"\n`);
  return path;
}

/** A fake kamailio binary: prints `out` for -v and exits with `status`. */
function fakeKamailio(name: string, out: string, status = 0): string {
  const path = join(work, `kamailio-${name}`);
  writeFileSync(path, `#!/bin/sh\nprintf '%s' '${out.replace(/'/g, "'\\''")}'\nexit ${status}\n`);
  chmodSync(path, 0o755);
  return path;
}

const flags = 'flags: STATS: Off, USE_TCP, USE_TLS, USE_SCTP, TLS_HOOKS, USE_RAW_SOCKS, DISABLE_NAGLE, USE_MCAST, DNS_IP_HACK, SHM_MEM, SHM_MMAP, PKG_MALLOC, Q_MALLOC, F_MALLOC, TLSF_MALLOC, DBG_SR_MEMORY, USE_FUTEX, FAST_LOCK-ADAPTIVE_WAIT, USE_DNS_CACHE, USE_DNS_FAILOVER, USE_NAPTR, USE_DST_BLACKLIST, HAVE_RESOLV_RES\n';
const fakes = {
  '4.4.7': `version: kamailio 4.4.7 (mips/linux) 6f6dc3 \n${flags}id: 6f6dc3 \ncompiled on 10:12:41 Mar  1 2018 with gcc 6.3.0\n`,
  '5.4.4': `version: kamailio 5.4.4 (x86_64/linux) \n${flags}id: unknown \ncompiled with gcc 10.2.1\n`,
  '5.8.1': `version: kamailio 5.8.1 (aarch64/linux) 8e4a1c \n${flags}id: 8e4a1c \ncompiled with gcc 12.2.0\n`,
  warning: `WARNING: no fork mode and more than one listen address found\nversion: kamailio 5.6.3 (mipsel/linux) \n${flags}`,
} as const;

/** The need of examples/critical-branch.surv, whose cfg has the most constructs. */
function hospitalNeed(): KamailioNeed {
  const out = exportTo('examples/critical-branch.surv', 'debian');
  return requiredKamailio(readFileSync(join(out, 'kamailio.cfg'), 'utf8'));
}

function run(shell: { argv: readonly string[] }, script: string, kamailio: string) {
  const r = spawnSync(shell.argv[0]!, [...shell.argv.slice(1), script, kamailio], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('check_version (install.sh, EdgeOS boot hook)', () => {
  let need: KamailioNeed;

  beforeAll(async () => {
    requireTools();
    for (const s of shells) if (!existsSync(s.argv[0]!)) throw new Error(`${s.argv[0]} is missing: apt-get install ${s.name.split(' ')[0]} (node scripts/provision.mjs)`);
    await ensureBuilt();
    need = hospitalNeed();
  });

  it('is ShellCheck-clean for sh and dash on every target', () => {
    for (const target of ['debian', 'edgeos', 'openwrt'] as const) {
      for (const dialect of ['sh', 'dash']) {
        const r = spawnSync('shellcheck', ['-s', dialect, harness(need, target), pathHarness(need)], { encoding: 'utf8' });
        expect(`${r.stdout}${r.stderr}`, `${target} ${dialect}`).toBe('');
        expect(r.status).toBe(0);
      }
    }
  });

  it('accepts the real Kamailio 5.6.3 and 5.4.4, 5.8.1, and a version line after a warning', () => {
    const script = harness(need, 'debian');
    for (const shell of shells) {
      expect(run(shell, script, kamailioBin), shell.name).toEqual({ status: 0, stdout: 'ok 5.6.3\n', stderr: '' });
      expect(run(shell, script, fakeKamailio('544', fakes['5.4.4'])), shell.name).toEqual({ status: 0, stdout: 'ok 5.4.4\n', stderr: '' });
      expect(run(shell, script, fakeKamailio('581', fakes['5.8.1'])), shell.name).toEqual({ status: 0, stdout: 'ok 5.8.1\n', stderr: '' });
      expect(run(shell, script, fakeKamailio('warn', fakes.warning)), shell.name).toEqual({ status: 0, stdout: 'ok 5.6.3\n', stderr: '' });
      // KAMAILIO unset: kamailio from the PATH (/usr/sbin here).
      expect(run(shell, pathHarness(need), ''), shell.name).toEqual({ status: 0, stdout: 'ok 5.6.3\n', stderr: '' });
    }
  });

  it('refuses 4.4.7 (EdgeOS 2.x), naming what is installed, what is needed, why, and what to do', () => {
    const script = harness(need, 'edgeos');
    const expected = [
      'this router has Kamailio 4.4.7; kamailio.cfg needs Kamailio 5.4 or later for:',
      '  - {s.rmws} on the Call-ID of survival events (pv) (Kamailio 5.4)',
      '  - rl_check with a pipe number (ratelimit) (Kamailio 5.1)',
      '  - is_in_subnet with a list of networks (ipops) (Kamailio 5.0)',
      ...upgradeAdvice('5.4', 'edgeos'),
      '',
    ].join('\n');
    for (const shell of shells) expect(run(shell, script, fakeKamailio('447', fakes['4.4.7'])), shell.name).toEqual({ status: 1, stdout: '', stderr: expected });
  });

  it('refuses 5.6.3 when the cfg needs more (a patch level: 5.6.4), and 5.4.4 for a 5.6 need on OpenWrt', () => {
    const script = harness({ ...need, version: '5.6.4' }, 'debian');
    const r = run(shells[0]!, script, kamailioBin);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('this router has Kamailio 5.6.3; kamailio.cfg needs Kamailio 5.6.4 or later for:');
    const openwrt = run(shells[2]!, harness({ version: '5.6', because: [], found: [] }, 'openwrt'), fakeKamailio('544', fakes['5.4.4']));
    expect(openwrt).toEqual({
      status: 1,
      stdout: '',
      stderr: ['this router has Kamailio 5.4.4; kamailio.cfg needs Kamailio 5.6 or later for:', '  - this bundle\'s kamailio.cfg (Kamailio 5.6)', ...upgradeAdvice('5.6', 'openwrt'), ''].join('\n'),
    });
  });

  it('refuses output it cannot read, quoting it without control characters; nothing; a failing kamailio', () => {
    const script = harness(need, 'debian');
    const advice = upgradeAdvice('5.4', 'debian');
    for (const shell of shells) {
      const garbage = fakeKamailio('garbage', 'kamailio version five\n\u001b[31mred\u001b[0m\nversion: kamailio 5.x (x86_64/linux)\n');
      expect(run(shell, script, garbage), shell.name).toEqual({
        status: 1,
        stdout: '',
        stderr: [`cannot tell the Kamailio version: ${garbage} -v printed:`, '  kamailio version five', '  [31mred[0m', '  version: kamailio 5.x (x86_64/linux)', 'kamailio.cfg needs Kamailio 5.4 or later.', ...advice, ''].join('\n'),
      });
      const nothing = fakeKamailio('nothing', '');
      expect(run(shell, script, nothing), shell.name).toEqual({
        status: 1,
        stdout: '',
        stderr: [`cannot tell the Kamailio version: ${nothing} -v printed:`, '  (nothing)', 'kamailio.cfg needs Kamailio 5.4 or later.', ...advice, ''].join('\n'),
      });
      const broken = fakeKamailio('broken', 'kamailio: error while loading shared libraries: libssl.so.1.1\n', 1);
      expect(run(shell, script, broken), shell.name).toEqual({
        status: 1,
        stdout: '',
        stderr: [`cannot tell the Kamailio version: ${broken} -v failed (exit status 1) and printed:`, '  kamailio: error while loading shared libraries: libssl.so.1.1', 'kamailio.cfg needs Kamailio 5.4 or later.', ...advice, ''].join('\n'),
      });
      const missing = join(work, 'no-such-kamailio');
      expect(run(shell, script, missing).status, shell.name).toBe(1);
      expect(run(shell, script, missing).stderr.split('\n')[0], shell.name).toMatch(new RegExp(`^cannot tell the Kamailio version: ${missing} -v failed \\(exit status 127\\) and printed:$`));
    }
  });
});

describe('surv export --kamailio: the older forms on Kamailio 5.6.3', () => {
  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
  });

  it('every example passes kamailio -c written for 4.4 (the IPv6 branch: refused, then 5.1.3)', () => {
    const examples = [...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.surv')).map((f) => `examples/${f}`), 'examples/petrol-stations'];
    for (const path of examples) {
      if (path === 'examples/ipv6-branch.surv') {
        const refused = surv(['export', path, '--target', 'debian', '--out', join(work, 'ipv6'), '--kamailio', '4.4']);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/^ipv6-branch\.surv:\d+: error: Kamailio 4\.4 cannot run this design's kamailio\.cfg, and these have no older equivalent: is_in_subnet with an IPv6 network \(ipops\) needs Kamailio 5\.1\.3 \(for /);
        expect(refused.stderr.endsWith('surv: the export refuses this policy: nothing exported\n')).toBe(true);
        expect(existsSync(join(work, 'ipv6'))).toBe(false);
      }
      const version = path === 'examples/ipv6-branch.surv' ? '5.1.3' : '4.4';
      const out = exportTo(path, 'debian', ['--kamailio', version]);
      const cfgs = existsSync(join(out, 'kamailio.cfg')) ? [join(out, 'kamailio.cfg')] : readdirSync(out).filter((d) => existsSync(join(out, d, 'kamailio.cfg'))).map((d) => join(out, d, 'kamailio.cfg'));
      expect(cfgs.length, path).toBeGreaterThan(0);
      for (const cfg of cfgs) {
        const text = readFileSync(cfg, 'utf8');
        expect(text, cfg).not.toContain('{s.rmws}');
        // rl_check with a number is 5.1: kept for 5.1.3.
        if (version === '4.4') expect(text, cfg).not.toContain('rl_check("1")');
        else expect(text, cfg).toContain('\tif (!rl_check("1")) {\n');
        expect(text, cfg).toContain(`# Written for Kamailio ${version}: `);
        const check = kamailioCheck(cfg);
        expect(check.status, `${cfg}\n${check.output}`).toBe(0);
      }
    }
  });

  it('a --kamailio that is not a version is a usage error (exit 2), nothing written', () => {
    const out = join(work, 'bad-version');
    const r = surv(['export', 'examples/bilbao.surv', '--target', 'debian', '--out', out, '--kamailio', '5.x;rm -rf /']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: "surv: --kamailio '5.x;rm -rf /': give a Kamailio version such as 5.4 or 5.4.4\n" });
    expect(existsSync(out)).toBe(false);
    // A control character never reaches the terminal as it is.
    const esc = surv(['export', 'examples/bilbao.surv', '--target', 'debian', '--out', out, '--kamailio', '5.4\u001b[2J']);
    expect(esc.status).toBe(2);
    expect(esc.stderr).not.toContain('\u001b');
  });

  it('a two-LAN branch written for 4.4 replays exactly as the simulator, with the same event lines', async () => {
    const uri = 'test/kamailio/fixtures/versions/versions.surv';
    const analysis = analyze([{ uri, text: readFileSync(join(root, uri), 'utf8') }], { symbols: false });
    const files = new Map([...analysis.files].map(([u, p]) => [u, { text: p.text, lines: p.lines }]));
    const out = exportTo(uri, 'debian', ['--kamailio', '4.4']);
    const cfg = readFileSync(join(out, 'kamailio.cfg'), 'utf8');
    expect(cfg).toContain('\tif ((is_in_subnet("$si", "127.0.41.8/29") || is_in_subnet("$si", "127.0.41.16/29"))) {\n');
    expect(cfg).toContain('\t$var(rl_pipe) = 1;\n\tif (!rl_check("$var(rl_pipe)")) {\n');
    expect(cfg).toContain('call-id=$var(event_ci)\\n");');
    const byLink = (steps: readonly { from: string; to: string; summary: string; method?: string; contact?: string }[]) => {
      const links: Record<string, string[]> = {};
      for (const s of steps) (links[`${s.from}>${s.to}`] ??= []).push(`${s.summary} ${s.method ?? ''}${s.contact ? ` <${s.contact}>` : ''}`);
      return links;
    };
    const untimed = (lines: readonly string[]) => lines.map((l) => l.replace(/ t=\S+/, ''));
    for (const scenario of analysis.model.scenarios) {
      const branch = analysis.model.branches.find((b) => b.name === scenario.branch)!;
      const r = await replay(branch, scenario, { files, root: dirname(uri), toolVersion: 'test', kamailioVersion: '4.4' });
      expect(r.unreadable, scenario.title).toEqual([]);
      expect(byLink(liveSteps(r.wire)), scenario.title).toEqual(byLink(simSteps(r.simulation.trace)));
      expect(r.comparison.maxDeltaMs, scenario.title).toBeLessThanOrEqual(150);
      expect(r.agree, scenario.title).toBe(true);
      const live = [...r.kamailioLog.matchAll(/surv-event [^\n]*/g)].map((m) => m[0].trimEnd());
      expect(untimed(live), scenario.title).toEqual(untimed(r.simulation.events.map((e) => e.line)));
    }
  }, 60_000);

  it('a Call-ID holding whitespace is logged as "-" (4.4 form); {s.rmws} removes it (5.4 form)', async () => {
    const uri = 'test/kamailio/fixtures/versions/versions.surv';
    const logs: Record<string, string> = {};
    for (const version of ['4.4', '5.4']) {
      const out = exportTo(uri, 'debian', ['--kamailio', version]);
      const kamailio = await startKamailio(out, { address: '127.0.41.1', port: 5060 });
      const t = clock();
      const desk2 = await UdpActor.bind('desk2', '127.0.41.20', 5060, t.t0);
      try {
        // Nothing listens at the upstream (127.0.41.2): silent, survival at no-answer (2 s).
        const sent = invite(desk2, '102', 'sip:944000000@127.0.41.2', 'ws call@127.0.41.20');
        desk2.send(sent.text, '127.0.41.1', 5060);
        await desk2.waitFor((m) => m.status === 302, 5000, '302');
        logs[version] = kamailio.log();
      } finally {
        desk2.close();
        await kamailio.stop();
      }
    }
    const line = (log: string) => /surv-event branch=versions event=survival-start [^\n]*/.exec(log)?.[0].trimEnd();
    expect(line(logs['4.4']!)).toMatch(/^surv-event branch=versions event=survival-start direction=outbound upstream=cloud t=\d+\.\d+ call-id=-$/);
    expect(line(logs['5.4']!)).toMatch(/^surv-event branch=versions event=survival-start direction=outbound upstream=cloud t=\d+\.\d+ call-id=wscall@127\.0\.41\.20$/);
  }, 30_000);
});
