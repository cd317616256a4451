// Kamailio versions: the construct table, the "Needs Kamailio" header line, the older
// forms written for `surv export --kamailio`, and the refusals. The shell side
// (check_version under sh, dash and busybox ash) is test/kamailio/versions.test.ts.
import { describe, expect, it } from 'vitest';
import { buildPlan, ExportError, type Target } from '../../../engines/export/index.js';
import { renderCfg } from '../../../engines/export/kamailio-cfg.js';
import {
  atLeast, constructs, fitKamailio, needLine, parseVersion, renderVersionCheck, requiredKamailio, upgradeAdvice,
} from '../../../engines/export/kamailio-versions.js';
import { targetInfo } from '../../../engines/export/targets.js';
import { analyseTexts, code, example, plain } from './helpers.js';

/** kamailio.cfg of the only branch of `files[first]`, for a router with Kamailio `kamailio` (undefined: no --kamailio). */
function render(files: Readonly<Record<string, string>>, kamailio?: string, target: Target = 'debian'): string {
  const a = analyseTexts(files);
  const branch = a.branches.find((b) => b.uri === Object.keys(files)[0])!;
  const plan = buildPlan(branch, a.sources);
  return renderCfg(plan, { sources: a.sources, toolVersion: '9.9.9', target, dispatcherList: targetInfo[target].dispatcherList }, kamailio);
}

const ex = (path: string, kamailio?: string) => render({ [path.slice(path.lastIndexOf('/') + 1)]: example(path) }, kamailio);

/** A plain design with two LANs (an is_in_subnet list). */
const twoLans = plain().replace('  lan 10.1.0.0/24\n', '  lan 10.1.0.0/24, 10.2.0.0/24\n');

/** The header's version lines, and the cfg without them. */
function header(cfg: string): string[] {
  return cfg.split('\n').filter((l) => /^# (Needs Kamailio|Written for Kamailio|Written by surv)/.test(l));
}
function body(cfg: string): string {
  return cfg.split('\n').filter((l) => !/^# (Needs Kamailio|Written for Kamailio|Written by surv)/.test(l)).join('\n');
}

describe('the construct table', () => {
  it('has unique ids, a parseable floor and a source for each construct, newest floor first', () => {
    expect(new Set(constructs.map((c) => c.id)).size).toBe(constructs.length);
    for (const c of constructs) {
      expect(parseVersion(c.since), c.id).toBeDefined();
      expect(c.source, c.id).toMatch(/github\.com\/kamailio\/kamailio/);
      if (c.instead) {
        expect(parseVersion(c.instead.since), c.id).toBeDefined();
        expect(atLeast(c.since, c.instead.since) && c.since !== c.instead.since, c.id).toBe(true);
      }
    }
    for (let i = 1; i < constructs.length; i++) expect(atLeast(constructs[i - 1]!.since, constructs[i]!.since), constructs[i]!.id).toBe(true);
  });

  it('compares versions numerically, a missing patch being 0', () => {
    expect(atLeast('5.10', '5.9')).toBe(true);
    expect(atLeast('5.1', '5.1.3')).toBe(false);
    expect(atLeast('5.1.3', '5.1.3')).toBe(true);
    expect(atLeast('4.4.7', '5.0')).toBe(false);
    expect(atLeast('6.0', '5.8')).toBe(true);
    expect(parseVersion('5.x')).toBeUndefined();
    expect(parseVersion('5')).toBeUndefined();
    expect(parseVersion('5.6.3.1')).toBeUndefined();
    expect(() => atLeast('five', '5.4')).toThrow(ExportError);
  });
});

describe('requiredKamailio and the header line', () => {
  it('every example needs 5.4, for {s.rmws} on the survival events, and lists what else it found', () => {
    const found = (cfg: string) => requiredKamailio(cfg).found.filter((c) => c.since !== '4.0').map((c) => c.id);
    for (const path of ['examples/bilbao.surv', 'examples/getxo-clinic.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv', 'examples/two-head-offices.surv']) {
      const need = requiredKamailio(ex(path));
      expect(need.version, path).toBe('5.4');
      expect(need.because.map((c) => c.id), path).toEqual(['pv-s-rmws']);
    }
    expect(found(ex('examples/critical-branch.surv'))).toEqual([
      'pv-s-rmws', 'ratelimit-check-number', 'ipops-subnet-list', 'registrar-lookup-to-dset-uri', 'dispatcher-thresholds', 'tmx-precheck', 'tm-branch-failure',
      'registrar-save-in-failure-route', 'ipops-dns-int-match-ip',
    ]);
    expect(found(ex('examples/ipv6-branch.surv'))).toEqual(['pv-s-rmws', 'ipops-subnet-ipv6', 'ratelimit-check-number', 'tmx-precheck', 'tm-branch-failure', 'ipops-dns-int-match-ip']);
  });

  it('states the version in the header, once, after the "Written by" line, and the file is byte-stable', () => {
    const cfg = ex('examples/bilbao.surv');
    expect(cfg.split('\n').slice(3, 5)).toEqual([
      '# Written by surv 9.9.9 (surv export --target debian). Modules of Debian\'s base kamailio package.',
      '# Needs Kamailio 5.4 or later (install.sh checks kamailio -v): {s.rmws} on the Call-ID of survival events (pv).',
    ]);
    expect(cfg.match(/Needs Kamailio/g)).toHaveLength(1);
    expect(ex('examples/bilbao.surv')).toBe(cfg);
    expect(needLine(requiredKamailio(cfg))).toBe('Needs Kamailio 5.4 or later (install.sh checks kamailio -v): {s.rmws} on the Call-ID of survival events (pv).');
  });

  it('reads code only: comments and the tunables\' free text never count', () => {
    expect(requiredKamailio('# if (!t_precheck_trans()) {\n#\tmodparam("dispatcher", "ds_probing_threshold", 2)\n')).toEqual({ version: '4.0', because: [], found: [] });
    expect(requiredKamailio('\tif (t_precheck_trans()) {\n').version).toBe('4.2');
    expect(requiredKamailio('#!ifndef SURV_ROOT\n').found.map((c) => c.id)).toEqual(['cfg-preprocessor']);
    // A reason phrase holding every construct's text: a tunable's value, never code.
    const hostile = 'rl_check(\\"1\\") {s.rmws} $(ci{s.rmws}) is_in_subnet(\\"$si\\", \\"1.0.0.0/8,2.0.0.0/8\\") t_precheck_trans( surv-event';
    const cfg = render({ 'test.surv': plain('', `on timeout { announce 181 "${hostile}"  redirect 302 to pstn }`) });
    const line = cfg.split('\n').find((l) => l.startsWith('survival.announce_1 = '))!;
    expect(line).toBe(`survival.announce_1 = "${hostile}" desc "reason phrase of the survival announce 181"`);
    for (const v of ['4.4', '5.0', '5.4']) expect(render({ 'test.surv': plain('', `on timeout { announce 181 "${hostile}"  redirect 302 to pstn }`) }, v).split('\n')).toContain(line);
  });
});

describe('surv export --kamailio: older forms, or a refusal', () => {
  it('5.4 and above change nothing but the header', () => {
    const plainCfg = render({ 'test.surv': twoLans });
    for (const v of ['5.4', '5.4.4', '5.6.3', '6.0']) {
      const cfg = render({ 'test.surv': twoLans }, v);
      expect(body(cfg), v).toBe(body(plainCfg));
      expect(header(cfg), v).toEqual([
        `# Written by surv 9.9.9 (surv export --target debian --kamailio ${v}). Modules of Debian's base kamailio package.`,
        '# Needs Kamailio 5.4 or later (install.sh checks kamailio -v): {s.rmws} on the Call-ID of survival events (pv).',
        `# Written for Kamailio ${v}: only 5.6.3 is run by surv's tests; older floors come from Kamailio's sources.`,
      ]);
    }
  });

  it('5.0: the event Call-ID guarded without {s.rmws}, the ratelimit pipe in a variable; the subnet list kept', () => {
    const before = code(render({ 'test.surv': twoLans }));
    const cfg = render({ 'test.surv': twoLans }, '5.0');
    const after = code(cfg);
    expect(header(cfg)[1]).toBe('# Needs Kamailio 5.0 or later (install.sh checks kamailio -v): is_in_subnet with a list of networks (ipops).');
    expect(after.join('\n')).not.toContain('{s.rmws}');
    const i = after.indexOf('if (!rl_check("$var(rl_pipe)")) {');
    expect(after.slice(i - 1, i + 1)).toEqual(['$var(rl_pipe) = 1;', 'if (!rl_check("$var(rl_pipe)")) {']);
    expect(before).toContain('if (!rl_check("1")) {');
    const start = before.find((l) => l.includes('event=survival-start'))!;
    expect(start).toBe('xlog("L_NOTICE", "surv-event branch=plain event=survival-start direction=outbound upstream=$avp(tried) t=$TV(Sn) call-id=$(ci{s.rmws})\\n");');
    const j = after.findIndex((l) => l.includes('event=survival-start'));
    expect(after.slice(j - 2, j + 1)).toEqual([
      '$var(event_ci) = $ci;',
      'if ($var(event_ci) =~ "[[:space:]]") { $var(event_ci) = "-"; }',
      'xlog("L_NOTICE", "surv-event branch=plain event=survival-start direction=outbound upstream=$avp(tried) t=$TV(Sn) call-id=$var(event_ci)\\n");',
    ]);
    // Every event with a Call-ID is guarded, and nothing else changed.
    expect(after.filter((l) => l === '$var(event_ci) = $ci;')).toHaveLength(before.filter((l) => l.includes('$(ci{s.rmws})')).length);
    expect(after.filter((l) => !/event_ci|rl_pipe/.test(l))).toEqual(before.filter((l) => !/rmws|rl_check/.test(l)));
    expect(after).toContain('if (is_in_subnet("$si", "10.1.0.0/24,10.2.0.0/24")) {');
  });

  it('4.4: the LAN list as one is_in_subnet per network; needs 4.2 (t_precheck_trans, which has no older form)', () => {
    const cfg = render({ 'test.surv': twoLans }, '4.4');
    const after = code(cfg);
    expect(after).toContain('if ((is_in_subnet("$si", "10.1.0.0/24") || is_in_subnet("$si", "10.2.0.0/24"))) {');
    expect(after).toContain('if (!(is_ip("$rd") && (is_in_subnet("$rd", "10.1.0.0/24") || is_in_subnet("$rd", "10.2.0.0/24")))) {');
    expect(after.join('\n')).not.toMatch(/is_in_subnet\("[^"]*", "[^"]*,/);
    expect(header(cfg)[1]).toBe('# Needs Kamailio 4.2 or later (install.sh checks kamailio -v): t_precheck_trans (tmx).');
    expect(requiredKamailio(cfg).version).toBe('4.2');
  });

  it('refuses what has no older form, naming each construct, its version and the design line', () => {
    const hospital = () => ex('examples/critical-branch.surv', '4.1');
    expect(hospital).toThrow(ExportError);
    let error: ExportError | undefined;
    try { hospital(); } catch (e) { error = e as ExportError; }
    expect(error!.where).toBe('critical-branch.surv:55');
    expect(error!.message).toBe(
      'Kamailio 4.1 cannot run this design\'s kamailio.cfg, and these have no older equivalent: '
      + 'lookup_to_dset with an address of record (registrar) needs Kamailio 4.4 (for critical-branch.surv:55: register { forward cloud with path keep local copy }); '
      + 'ds_probing_threshold and ds_inactive_threshold (dispatcher) needs Kamailio 4.3 (for critical-branch.surv:33: probe options every 15s timeout 2s down after 2 up after 3 holdoff 60s); '
      + 't_precheck_trans (tmx) needs Kamailio 4.2. '
      + 'Upgrade the router\'s Kamailio (docs/export.md, "Kamailio versions").',
    );
    // An IPv6 LAN: is_in_subnet compared IPv6 networks wrongly before 5.1.3 (every address matched).
    expect(() => ex('examples/ipv6-branch.surv', '5.1')).toThrow(/^Kamailio 5\.1 cannot run this design's kamailio\.cfg, and these have no older equivalent: is_in_subnet with an IPv6 network \(ipops\) needs Kamailio 5\.1\.3 \(for ipv6-branch\.surv:\d+: lan /);
    expect(header(ex('examples/ipv6-branch.surv', '5.1.3'))[1]).toBe('# Needs Kamailio 5.1.3 or later (install.sh checks kamailio -v): is_in_subnet with an IPv6 network (ipops).');
    expect(() => ex('examples/bilbao.surv', '3.3')).toThrow(/^Kamailio 3\.3 cannot run .*t_set_fr, t_branch_timeout, t_branch_replied, t_set_disable_internal_reply \(tm\) needs Kamailio 4\.0/);
  });

  it('refuses a version it cannot read', () => {
    expect(() => render({ 'test.surv': plain() }, '5.x')).toThrow('--kamailio "5.x": give a Kamailio version such as 5.4 or 5.4.4');
    expect(() => fitKamailio('', '5.4\n#!define X', undefined as never, undefined as never)).toThrow('--kamailio "5.4\\n#!define X": give a Kamailio version such as 5.4 or 5.4.4');
  });
});

describe('check_version for install.sh', () => {
  it('embeds the floor as a number, each construct with its version, and the platform\'s advice, single-quoted', () => {
    const need = requiredKamailio(ex('examples/critical-branch.surv'));
    const sh = renderVersionCheck(need, 'edgeos');
    expect(sh).toContain('\tif [ "$kv_n" -ge 5004000 ]; then\n');
    expect(sh).toContain("\t\t'5004000 5.4 {s.rmws} on the Call-ID of survival events (pv)' \\\n");
    expect(sh).toContain("\t\t'4003000 4.3 ds_probing_threshold and ds_inactive_threshold (dispatcher)' \\\n");
    for (const line of upgradeAdvice('5.4', 'edgeos')) expect(sh).toContain(`\t\t'${line.replace(/'/g, "'\\''")}'`);
    expect(renderVersionCheck('5.1.3', 'debian')).toContain('\tif [ "$kv_n" -ge 5001003 ]; then\n');
    expect(() => renderVersionCheck('five' as never, 'debian')).toThrow(ExportError);
  });

  it('advises per platform with the releases that have the version', () => {
    expect(upgradeAdvice('5.4', 'debian')[0]).toBe('Debian\'s kamailio package is new enough in Debian 11 bullseye (5.4.4), Debian 12 bookworm (5.6.3), Debian 13 trixie (6.0.1): upgrade the router\'s Debian, then apt-get install kamailio.');
    expect(upgradeAdvice('7.0', 'debian')[0]).toBe('No Debian release ships Kamailio 7.0 yet: Kamailio\'s own repository deb.kamailio.org (amd64 and arm64 builds only) has newer Kamailio for older Debian releases.');
    expect(upgradeAdvice('5.6', 'openwrt')[0]).toBe('OpenWrt\'s telephony feed has it in OpenWrt 23.05 (5.6.2), OpenWrt 24.10 (5.7.2), OpenWrt 25.12 (6.0.1): upgrade OpenWrt (sysupgrade), then opkg update and install the kamailio packages again (README.txt).');
    expect(upgradeAdvice('5.4', 'edgeos').slice(0, 2)).toEqual([
      'EdgeOS 1.x is Debian 7 wheezy (no kamailio package) and EdgeOS 2.x Debian 9 stretch (Kamailio 4.4);',
      'deb.kamailio.org builds no MIPS packages, so EdgeOS itself cannot get a newer Kamailio. Options:',
    ]);
  });
});
