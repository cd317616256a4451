// kamailio.cfg structure, feature by feature, on the examples and small designs.
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../../engines/export/index.js';
import { analyseTexts, block, bundleOf, cfgOf, code, example, fileOf, plain } from './helpers.js';

function exampleCfg(path: string, branch?: string, extra: Record<string, string> = {}): string {
  const a = analyseTexts({ [path]: example(path), ...Object.fromEntries(Object.keys(extra).map((p) => [p, example(p)])) }, path.slice(0, path.lastIndexOf('/')));
  const b = branch === undefined ? a.branches.find((x) => x.uri === path)! : a.branches.find((x) => x.name === branch)!;
  return fileOf(buildBundle(b, a.sources, { target: 'edgeos', toolVersion: '9.9.9' }), 'kamailio.cfg');
}

const bilbao = exampleCfg('examples/bilbao.surv');
const hospital = exampleCfg('examples/critical-branch.surv');
const zaragoza = exampleCfg('examples/two-head-offices.surv');
const vitoria = exampleCfg('examples/ipv6-branch.surv');

/** The 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  return example(file).split('\n').findIndex((l) => l.includes(text)) + 1;
}

describe('kamailio.cfg: header, globals and modules', () => {
  it('starts with #!KAMAILIO and names the branch, its source line and the tool version', () => {
    expect(bilbao.startsWith('#!KAMAILIO\n')).toBe(true);
    expect(bilbao).toContain(`# Branch survival proxy for branch bilbao, from bilbao.surv:${lineOf('examples/bilbao.surv', 'branch bilbao {')}.`);
    expect(bilbao).toContain('# Written by surv 9.9.9 (surv export --target edgeos).');
  });

  it('listens where the design says, with the source line in a comment', () => {
    const line = lineOf('examples/bilbao.surv', 'edge listen');
    expect(bilbao).toContain(`# from bilbao.surv:${line}: edge listen udp 10.222.237.1:5060\nlisten=udp:10.222.237.1:5060\n`);
    expect(code(bilbao)).toContain('disable_tcp=yes');
    expect(code(hospital)).toEqual(expect.arrayContaining(['listen=udp:10.40.0.1:5060', 'listen=tcp:10.40.0.1:5060', 'tcp_children=2']));
    expect(code(hospital)).not.toContain('disable_tcp=yes');
    expect(code(vitoria)).toEqual(expect.arrayContaining(['listen=udp:[2001:db8:700:1::1]:5060', 'listen=tcp:[2001:db8:700:1::1]:5060', 'dns_try_ipv6=yes']));
  });

  it('loads only modules of Debian\'s base kamailio package, and only those the design needs', () => {
    const loaded = (cfg: string) => code(cfg).filter((l) => l.startsWith('loadmodule')).map((l) => /"(\w+)\.so"/.exec(l)![1]);
    const base = ['kex', 'corex', 'tm', 'tmx', 'sl', 'rr', 'pv', 'maxfwd', 'textops', 'siputils', 'xlog', 'sanity', 'ipops', 'ctl', 'cfg_rpc', 'pike', 'ratelimit', 'statistics'];
    // dialog: the gateways' channels are counted by dialog profiles.
    expect(loaded(bilbao)).toEqual([...base, 'path', 'dialog']);
    expect(loaded(hospital)).toEqual([...base, 'path', 'usrloc', 'registrar', 'dispatcher', 'dialog']);
    expect(code(bilbao).some((l) => l.startsWith('mpath'))).toBe(false);
  });

  it('timers: tunables as custom cfg vars, tm defaults from the design, per-call t_set_fr', () => {
    expect(code(bilbao)).toEqual(expect.arrayContaining([
      'survival.no_answer = 10000 desc "ms an upstream or phone has to send any reply (no-answer, tm fr_timer per call)"',
      'survival.ringing = 60000 desc "ms an outbound call may ring after a provisional reply (ringing, tm fr_inv_timer per call)"',
      'survival.announce_1 = "Survival Activated - please standby" desc "reason phrase of the survival announce 181"',
      'modparam("tm", "fr_timer", 10000)', 'modparam("tm", "fr_inv_timer", 60000)',
      'modparam("tm", "retr_timer1", 500)', 'modparam("tm", "retr_timer2", 4000)',
      'modparam("tm", "auto_inv_100_reason", "Trying")',
    ]));
    expect(block(bilbao, 'route[TIMERS]')).toBe([
      'route[TIMERS] {',
      '\t$var(no_answer) = $(sel(cfg_get.survival.no_answer){s.int});',
      '\t$var(ringing) = $(sel(cfg_get.survival.ringing){s.int});',
      '\tt_set_fr("$var(ringing)", "$var(no_answer)");',
      '}',
    ].join('\n'));
  });

  it('with probing, tm fr_timer is the probe timeout (dispatcher has none of its own)', () => {
    expect(code(hospital)).toContain('modparam("tm", "fr_timer", 2000)');
    expect(code(hospital)).toContain('survival.no_answer = 5000 desc "ms an upstream or phone has to send any reply (no-answer, tm fr_timer per call)"');
  });
});

describe('kamailio.cfg: outbound calls and survival', () => {
  it('calls from the LAN (is_in_subnet, in TRUST) take the outbound route', () => {
    expect(block(bilbao, 'route[TRUST]')).toContain('\tif (is_in_subnet("$si", "10.222.237.0/24")) {\n\t\t$var(src) = 1;\n\t\treturn;');
    expect(block(hospital, 'route[TRUST]')).toContain('is_in_subnet("$si", "10.40.0.0/23,10.40.8.0/24")');
    expect(block(bilbao, 'route[INVITE]').trimEnd().endsWith('\troute(OUTBOUND);\n\texit;\n}')).toBe(true);
  });

  it('tries the upstreams of via in order, each with a failure route', () => {
    const next = block(zaragoza, 'route[NEXT_UPSTREAM]');
    expect(next).toContain('if ($avp(upstream) < 1 && $avp(use_1) == 1) {');
    expect(next).toContain('$du = "sip:pbx.madrid.example.com:5060";');
    expect(next).toContain('if ($avp(upstream) < 2 && $avp(use_2) == 1) {');
    expect(next).toContain('$du = "sip:pbx.barcelona.example.com:5060";');
    expect(next.indexOf('madrid')).toBeLessThan(next.indexOf('barcelona'));
    expect(next).toContain('t_on_failure("OUTBOUND_FAILED");');
    expect(next.trimEnd().endsWith('$avp(upstream) = 3;\n\troute(SURVIVE);\n}')).toBe(true);
  });

  it('acts only on a branch timeout with no reply at all (or only 100 Trying); a call that rang gets tm\'s 408', () => {
    const failure = block(bilbao, 'failure_route[OUTBOUND_FAILED]');
    expect(failure).toContain('if (t_branch_timeout()) {\n\t\tif (t_branch_replied() && isflagset(24)) {');
    expect(failure).toMatch(/isflagset\(24\)\) \{\n(\t\t\t#.*\n)?\t\t\txlog[^\n]*\n\t\t\texit;/);
    expect(failure).toContain('\t\troute(NEXT_UPSTREAM);');
    // pass all (the default): any final reply goes back unchanged.
    expect(failure.trimEnd().endsWith('\texit;\n}')).toBe(true);
    expect(failure).not.toContain('sleep');
  });

  it('the trying timer: each relay to an upstream waits trying after a bare 100; its first 18x raises it to ringing', () => {
    expect(code(block(bilbao, 'route[UPSTREAM_TIMERS]'))).toEqual([
      'route[UPSTREAM_TIMERS] {',
      '$var(no_answer) = $(sel(cfg_get.survival.no_answer){s.int});',
      '$var(trying) = $(sel(cfg_get.survival.trying){s.int});',
      't_set_fr("$var(trying)", "$var(no_answer)");',
      'resetflag(24);',
      't_on_reply("UPSTREAM_REPLY");',
      '}',
    ]);
    expect(code(block(bilbao, 'onreply_route[UPSTREAM_REPLY]'))).toEqual([
      'onreply_route[UPSTREAM_REPLY] {',
      'if ($rs > 100 && $rs < 200 && !isflagset(24)) {',
      'setflag(24);',
      '$var(no_answer) = $(sel(cfg_get.survival.no_answer){s.int});',
      '$var(ringing) = $(sel(cfg_get.survival.ringing){s.int});',
      't_set_fr("$var(ringing)", "$var(no_answer)");',
      '}',
      '}',
    ]);
    expect(block(bilbao, 'route[NEXT_UPSTREAM]')).toContain('\t\troute(UPSTREAM_TIMERS);\n\t\tt_on_failure("OUTBOUND_FAILED");');
    // The live tunable, its default the no-answer value (bilbao writes none).
    expect(bilbao).toContain('survival.trying = 10000 desc');
  });

  it('survival events: the plan\'s line in xlog with Kamailio\'s time and Call-ID, and a statistics counter each', () => {
    expect(code(bilbao)).toEqual(expect.arrayContaining([
      'modparam("statistics", "variable", "survival_calls")',
      'modparam("statistics", "variable", "upstream_down")',
      'modparam("statistics", "variable", "upstream_up")',
    ]));
    expect(code(block(bilbao, 'route[SURVIVE]')).slice(0, 3)).toEqual([
      'route[SURVIVE] {',
      'xlog("L_NOTICE", "surv-event branch=bilbao event=survival-start direction=outbound upstream=$avp(tried) t=$TV(Sn) call-id=$(ci{s.rmws})\\n");',
      'update_stat("survival_calls", "+1");',
    ]);
    expect(block(bilbao, 'route[OUTBOUND]')).toContain('$avp(tried) = "none";');
    expect(block(bilbao, 'route[NEXT_UPSTREAM]')).toContain('\t\t$avp(tried) = "cloud";');
    const down = code(block(hospital, 'event_route[dispatcher:dst-down]'));
    expect(down.filter((l) => l.includes('surv-event') || l.startsWith('update_stat'))).toEqual([
      'xlog("L_NOTICE", "surv-event branch=hospital-north event=upstream-down upstream=cloud t=$TV(Sn)\\n");',
      'update_stat("upstream_down", "+1");',
    ]);
    const up = code(block(hospital, 'event_route[dispatcher:dst-up]'));
    expect(up.filter((l) => l.includes('surv-event') || l.startsWith('update_stat'))).toEqual([
      'xlog("L_NOTICE", "surv-event branch=hospital-north event=upstream-up upstream=cloud t=$TV(Sn)\\n");',
      'update_stat("upstream_up", "+1");',
    ]);
  });

  it('a pass list: listed replies pass, the others count like a timeout', () => {
    const failure = block(hospital, 'failure_route[OUTBOUND_FAILED]');
    expect(failure).toContain('if (($T_reply_code >= 300 && $T_reply_code < 400) || ($T_reply_code >= 400 && $T_reply_code < 500) || ($T_reply_code >= 600 && $T_reply_code < 700)) {\n\t\texit;\n\t}');
    const single = cfgOf(plain('', 'on timeout { redirect 302 to pstn }\n    pass 404, 486'));
    expect(block(single, 'failure_route[OUTBOUND_FAILED]')).toContain('if ($T_reply_code == 404 || $T_reply_code == 486) {');
  });

  it('redirect survival: the announce, then the 302 with Contact sip:NUMBER@GATEWAY', () => {
    const survive = code(block(bilbao, 'route[SURVIVE]'));
    // From the 484 test on: the announce, then the redirect to the first gateway of the list with a free channel.
    const from = survive.findIndex((l) => l.startsWith('if (!($rU =~'));
    expect(survive.slice(from).filter((l) => !/^\$var\(dialled\)|^route\(NUMBER_/.test(l))).toEqual([
      'if (!($rU =~ "^([A-Za-z0-9+*._~-]|%[0-9A-Fa-f]{2})+$")) {',
      'xlog("L_NOTICE", "call from $si: no upstream answered, dialled user not usable for survival: 484\\n");',
      't_reply("484", "Address Incomplete");',
      'exit;',
      '}',
      '$var(reason) = $sel(cfg_get.survival.announce_1);',
      't_reply("181", "$var(reason)");',
      '$var(gw_skip_full) = 1;',
      'route(GW_FREE_1);',
      'if ($var(gw_free) == 1) {',
      'xlog("L_NOTICE", "survival: no upstream answered a call to $rU from $si: 302 to gateway pstn\\n");',
      'xlog("L_NOTICE", "surv-event branch=bilbao event=survival-redirect direction=outbound gateway=pstn t=$TV(Sn) call-id=$(ci{s.rmws})\\n");',
      'update_stat("gateway_redirects", "+1");',
      'append_to_reply("Contact: <sip:$var(number)@10.10.1.3>\\r\\n");',
      't_reply("302", "Moved Temporarily");',
      'exit;',
      '}',
      'xlog("L_NOTICE", "survival: no gateway of the redirect list is up with a free channel for $rU\\n");',
      't_reply("503", "No Gateway Available");',
      'exit;',
      '}',
    ]);
    // A gateway port other than 5060 is in the Contact; IPv6 is bracketed.
    expect(block(vitoria, 'route[SURVIVE]')).toContain('append_to_reply("Contact: <sip:$var(number)@[2001:db8:700:1::3]>\\r\\n");');
    const port = cfgOf(plain().replace('address 10.1.0.3 ', 'address 10.1.0.3:5080 '));
    expect(block(port, 'route[SURVIVE]')).toContain('<sip:$var(number)@10.1.0.3:5080>');
  });

  it('relay survival: the proxy sends the call to the gateway itself, the rewritten number in the R-URI', () => {
    const survive = code(block(hospital, 'route[SURVIVE]'));
    // The relay list starts in GW_NEXT (test/unit/export/gateways.test.ts): $ru, $du, t_relay there.
    expect(survive.slice(-6)).toEqual(['$avp(gwnumber) = $rU;', '$avp(gwlist) = 1;', '$avp(gw) = 0;', 'route(GW_NEXT);', 'exit;', '}']);
    expect(code(block(hospital, 'route[GW_SEND_1]'))).toEqual(expect.arrayContaining(['$ru = "sip:" + $var(number) + "@10.40.0.3";', '$du = "sip:10.40.0.3:5060";', 't_on_failure("GW_FAILED");']));
  });

  it('rewrite rules in order, first match wins; strip and prefix (each gateway without rules of its own takes them)', () => {
    const rewrite = block(hospital, 'route[NUMBER_1]');
    expect(code(block(hospital, 'route[NUMBER_2]')).slice(1)).toEqual(code(rewrite).slice(1));
    expect(code(rewrite)).toEqual([
      'route[NUMBER_1] {',
      '$var(number) = $var(dialled);',
      'if ($(var(dialled){s.len}) >= 1 && $(var(dialled){s.substr,0,1}) == "0") {',
      'if ($(var(dialled){s.len}) > 1) {',
      '$var(number) = $(var(dialled){s.substr,1,0});',
      '}',
      'else {',
      '$var(number) = "";',
      '}',
      'return;',
      '}',
      'if ($(var(dialled){s.len}) >= 1 && $(var(dialled){s.substr,0,1}) == "2") {',
      '$var(number) = "94455" + $var(number);',
      'return;',
      '}',
      '}',
    ]);
  });

  it('emergency numbers go straight to their gateway, before the upstream chain', () => {
    const out = block(bilbao, 'route[OUTBOUND]');
    expect(out).toContain('if ($rU == "112" || $rU == "091") {');
    expect(out.indexOf('$rU == "112"')).toBeLessThan(out.indexOf('route(NEXT_UPSTREAM)'));
    // Down the emergency list (GW_NEXT, list 2): $du to the gateway there, the Request-URI kept.
    expect(out).toContain('\t\t$avp(gwnumber) = $rU;\n\t\t$avp(gwlist) = 2;\n\t\t$avp(gw) = 0;\n\t\troute(GW_NEXT);');
    expect(block(bilbao, 'route[GW_SEND_1]')).toContain('$du = "sip:10.10.1.3:5060";');
    expect(out).toContain('t_set_disable_internal_reply(1);');
  });

  it('a call to a local gateway (a phone following the 302) is relayed there without a failure route', () => {
    const inv = block(bilbao, 'route[INVITE]');
    // Counted first: with both channels held, the edge's 503 (test/unit/export/gateways.test.ts).
    expect(inv).toContain('\t\tset_dlg_profile("gw", "pstn");\n\t\t$du = "sip:10.10.1.3:5060";\n\t\troute(TIMERS);\n\t\tt_relay();\n\t\texit;');
  });

  it('Record-Route before the transaction is created; in-dialog requests loose-routed', () => {
    const main = block(bilbao, 'request_route');
    expect(main.indexOf('record_route();')).toBeLessThan(main.indexOf('route(INVITE);'));
    expect(block(bilbao, 'route[WITHINDLG]')).toContain('if (loose_route()) {\n\t\troute(RELAY);');
    expect(block(bilbao, 'route[REQINIT]')).toContain('mf_process_maxfwd_header("10")');
    expect(block(bilbao, 'route[REQINIT]')).toContain('sanity_check()');
  });
});

describe('kamailio.cfg: the trust model (docs/security.md)', () => {
  it('classifies every request by source before anything else: gateways, upstreams, then the LAN', () => {
    const main = code(block(bilbao, 'request_route'));
    expect(main.slice(1, 3)).toEqual(['route(REQINIT);', 'route(TRUST);']);
    const trust = code(block(hospital, 'route[TRUST]'));
    const tests = trust.filter((l) => l.startsWith('if (') && !l.startsWith('if (!') && !l.startsWith('if (src_ip'));
    expect(tests).toEqual([
      'if (compare_ips("$si", "10.40.0.3")) {',
      'if (compare_ips("$si", "10.40.0.4")) {',
      'if (dns_int_match_ip("pbx.health.example.net", "$si")) {',
      'if (is_in_subnet("$si", "10.40.0.0/23,10.40.8.0/24")) {',
    ]);
  });

  it('anyone else: pike and ratelimit drop a flood silently, else one log line and 403 Forbidden', () => {
    const trust = code(block(bilbao, 'route[TRUST]'));
    const tail = trust.slice(trust.indexOf('$var(src) = 0;'));
    expect(tail).toEqual([
      '$var(src) = 0;',
      'if (!pike_check_req()) {', 'exit;', '}',
      'if (!rl_check("1")) {', 'exit;', '}',
      'xlog("L_WARN", "surv: refused $rm from $si:$sp: outside the trust model\\n");',
      'if (!is_method("ACK")) {', 'sl_send_reply("403", "Forbidden");', '}',
      'exit;',
      '}',
    ]);
    expect(code(bilbao)).toEqual(expect.arrayContaining([
      'modparam("pike", "sampling_time_unit", 2)', 'modparam("pike", "reqs_density_per_unit", 30)', 'modparam("pike", "remove_latency", 4)',
      'modparam("ratelimit", "timer_interval", 1)', 'modparam("ratelimit", "pipe", "1:TAILDROP:200")',
    ]));
  });

  it('the router itself may only ask OPTIONS of the proxy', () => {
    expect(code(block(bilbao, 'route[TRUST]')).slice(1, 5)).toEqual([
      'if (src_ip == myself && is_method("OPTIONS") && uri == myself && $rU == $null) {', 'sl_send_reply("200", "OK");', 'exit;', '}',
    ]);
  });

  it('a Route set leading past the proxy is refused on initial requests, from any source', () => {
    const main = block(bilbao, 'request_route');
    expect(main).toContain('if (is_present_hf("Route")) {\n\t\tloose_route();\n\t\tif ($du != $null) {');
    expect(main).toContain('sl_send_reply("403", "Preloaded Route Refused");');
    expect(main.indexOf('Preloaded Route Refused')).toBeLessThan(main.indexOf('route(INVITE)'));
  });

  it('an upstream reaches only the LAN or a local registration, never a gateway; a gateway sends nothing but calls', () => {
    const elsewhere = block(bilbao, 'route[ELSEWHERE]');
    expect(elsewhere).toContain('if (is_ip("$rd") && compare_ips("$rd", "10.10.1.3")) {\n\t\tsend_reply("403", "Relaying Denied");');
    expect(elsewhere).toContain('if (!(is_ip("$rd") && is_in_subnet("$rd", "10.222.237.0/24"))) {\n\t\tsend_reply("403", "Relaying Denied");');
    expect(elsewhere).not.toContain('$du == $null');
    expect(block(bilbao, 'route[INVITE]')).toContain('if ($var(src) == 2) {\n\t\troute(ELSEWHERE);');
    const other = code(block(bilbao, 'route[OTHER]'));
    expect(other.slice(1, 7)).toEqual(['if ($var(src) == 2) {', 'route(ELSEWHERE);', '}', 'if ($var(src) != 1) {', 'sl_send_reply("403", "Relaying Denied");', 'exit;']);
    expect(code(block(bilbao, 'route[REGISTER]'))).toContain('if ($var(src) != 1) {');
  });

  it('a call to a gateway\'s address is relayed there only from the LAN', () => {
    const inv = block(bilbao, 'route[INVITE]');
    expect(inv.indexOf('compare_ips("$rd", "10.10.1.3")')).toBeGreaterThan(inv.indexOf('if ($var(src) == 2)'));
  });

  it('flood limits and registration caps come from the design\'s limits block', () => {
    const cfg = cfgOf(plain('  register { forward cloud with path  keep local copy }\n  limits { per-source 10 per 1s  outside 50 per 2s  max-expires 10m  max-contacts 2 }\n').replace('  register { forward cloud with path }\n', ''));
    expect(code(cfg)).toEqual(expect.arrayContaining([
      'modparam("pike", "sampling_time_unit", 1)', 'modparam("pike", "reqs_density_per_unit", 10)', 'modparam("pike", "remove_latency", 2)',
      'modparam("ratelimit", "timer_interval", 2)', 'modparam("ratelimit", "pipe", "1:TAILDROP:50")',
      'modparam("registrar", "max_expires", 600)', 'modparam("registrar", "max_contacts", 2)',
    ]));
  });

  it('the local copy of registrations is capped in expiry and contacts', () => {
    expect(code(hospital)).toEqual(expect.arrayContaining(['modparam("registrar", "max_expires", 3600)', 'modparam("registrar", "max_contacts", 5)']));
    expect(code(bilbao).some((l) => l.includes('"registrar"'))).toBe(false);
  });
});

describe('kamailio.cfg: registrations', () => {
  it('forwards REGISTER with Path and Supported: path', () => {
    const reg = block(bilbao, 'route[REGISTER]');
    expect(reg).toContain('if (!add_path()) {');
    expect(reg).toContain('append_hf("Supported: path\\r\\n");');
    expect(reg).toContain('$du = "sip:pbx.example.com:5060";');
    expect(reg).not.toContain('save(');
  });

  it('keep local copy: shadow copy on 2xx, answers itself when the upstream is down or silent', () => {
    const reg = block(hospital, 'route[REGISTER]');
    expect(reg).toContain('if ($avp(use_1) == 0) {');
    expect(reg).toContain('save("location");');
    expect(block(hospital, 'onreply_route[REGISTER_REPLY]')).toContain('save("location", "0x02");');
    expect(block(hospital, 'failure_route[REGISTER_FAILED]')).toContain('if (t_branch_timeout()) {');
  });
});

describe('kamailio.cfg: inbound calls', () => {
  it('bilbao: the front group in parallel, then reception, ring times as live tunables', () => {
    expect(code(bilbao)).toEqual(expect.arrayContaining([
      'survival.ring_step1 = 20000 desc "ms the inbound ring chain rings front (parallel: reception, desk1)"',
      'survival.ring_step2 = 20000 desc "ms the inbound ring chain rings reception"',
    ]));
    expect(code(block(bilbao, 'route[IN_0_1]'))).toEqual([
      'route[IN_0_1] {',
      '$var(ring) = $(sel(cfg_get.survival.ring_step1){s.int});',
      '$ru = "sip:100@10.222.237.10";',
      'append_branch("sip:101@10.222.237.11");',
      'route(RING);',
      '}',
    ]);
    expect(block(bilbao, 'route[RING]')).toContain('t_set_fr("$var(ring)", "$var(no_answer)");');
    expect(block(bilbao, 'failure_route[INBOUND_FAILED]')).toContain('route(INBOUND_STEP);');
  });

  it('calls from a gateway named in inbound from ring phones; from another gateway, 404', () => {
    const inv = block(hospital, 'route[INVITE]');
    expect(inv).toContain('if ($var(src) == 3) {');
    expect(inv).toContain('if (compare_ips("$si", "10.40.0.3")) {');
    expect(inv).toContain('if (compare_ips("$si", "10.40.0.4")) {');
    const other = cfgOf(plain('  gateway spare { address 10.1.0.4  kind fxo }\n'));
    expect(block(other, 'route[INVITE]')).toContain('if (compare_ips("$si", "10.1.0.4")) {\n\t\t\t# Gateway spare is not named in \'inbound from\'.');
    expect(block(other, 'route[INVITE]')).toContain('t_reply("404", "No Inbound Route");');
  });

  it('hospital: did routes, then extensions, then the chain; the serial group is one step per member', () => {
    const inbound = block(hospital, 'route[INBOUND_EXACT]');
    expect(block(hospital, 'route[INBOUND]')).toContain('\t$var(called) = $rU;\n\t$var(num) = $var(called);\n\troute(INBOUND_EXACT);');
    expect(inbound).toContain('if ($var(num) == "944552100") {\n\t\t$avp(inroute) = 1;\n\t\treturn;');
    expect(inbound).toContain('if ($var(num) == "2000") {\n\t\t$avp(inroute) = 5;\n\t\treturn;');
    expect(inbound.indexOf('944552400')).toBeLessThan(inbound.indexOf('"2000"'));
    const steps = [1, 2, 3, 4, 5].map((k) => code(block(hospital, `route[IN_0_${k}]`)).filter((l) => l.startsWith('$ru') || l.startsWith('append_branch')));
    expect(steps).toEqual([
      ['$ru = "sip:2000@10.40.0.10";', 'append_branch("sip:2001@10.40.0.11");'],
      ['$ru = "sip:2201@10.40.1.31";'],
      ['$ru = "sip:2202@10.40.1.32";'],
      ['$ru = "sip:2203@10.40.1.33";'],
      ['$ru = "sip:2000@10.40.0.10";'],
    ]);
    expect(code(hospital)).toContain('survival.ring_step2 = 15000 desc "ms the inbound ring chain rings ward-a (serial group nurses)"');
    expect(code(hospital)).toContain('survival.ring_step5 = 60000 desc "ms the inbound ring chain rings switchboard"');
  });

  it('a registered phone is reached through the local copy (lookup)', () => {
    expect(block(hospital, 'route[IN_4_1]')).toContain('if (lookup("location", "sip:2400@localhost")) {');
  });

  it('no step left: the first final other than 408/487, else 480', () => {
    expect(block(hospital, 'event_route[tm:branch-failure:INBOUND]')).toContain('if ($avp(final) == $null && $T_reply_code != 408 && $T_reply_code != 487) {');
    expect(block(hospital, 'route[INBOUND_END]')).toContain('t_reply("480", "Temporarily Unavailable");');
    expect(block(hospital, 'route[REASON]')).toContain('case 486: $var(reason) = "Busy Here"; break;');
  });
});

describe('kamailio.cfg: probing', () => {
  it('dispatcher settings from the probe line, with flags 2 and probing mode 1', () => {
    expect(code(hospital)).toEqual(expect.arrayContaining([
      'modparam("dispatcher", "list_file", SURV_ROOT "/etc/kamailio/dispatcher.list")',
      'modparam("dispatcher", "flags", 2)',
      'modparam("dispatcher", "ds_ping_interval", 15)',
      'modparam("dispatcher", "ds_probing_threshold", 2)',
      'modparam("dispatcher", "ds_inactive_threshold", 3)',
      'modparam("dispatcher", "ds_probing_mode", 1)',
      'modparam("dispatcher", "ds_ping_from", "sip:dispatcher@10.40.0.1")',
      'survival.holdoff_1 = 60000 desc "ms upstream cloud stays down at least after probes marked it down (holdoff)"',
    ]));
    // tm's own 408 (timeout) and 500 must not count as an answer.
    const codes = /ds_ping_reply_codes", "([^"]+)"/.exec(hospital)![1]!.split(';');
    expect(codes).not.toContain('code=408');
    expect(codes).not.toContain('code=500');
    expect(codes).not.toContain('class=4');
    expect(codes).toContain('code=404');
  });

  it('dst-down marks the upstream down; calls come back after dst-up and the hold-off', () => {
    expect(block(hospital, 'event_route[dispatcher:dst-down]')).toContain('if ($ru == "sip:pbx.health.example.net:5060") {');
    expect(block(hospital, 'event_route[dispatcher:dst-down]')).toContain('$shv(down_1) = 1;');
    expect(block(hospital, 'event_route[dispatcher:dst-up]')).toContain('$shv(ok_1) = 1;');
    // holdoff 60 s, every 15 s, timeout 2 s: the first probe at or after the hold-off.
    expect(block(hospital, 'route[UPSTREAM_STATE]')).toContain('$var(release) = (($var(holdoff) + 2000 + 14999) / 15000) * 15000 - 2000;');
  });

  it('dispatcher.list: one set per probed upstream, host names resolved when probed', () => {
    const a = analyseTexts({ 'examples/critical-branch.surv': example('examples/critical-branch.surv') }, 'examples');
    const bundle = buildBundle(a.branches[0]!, a.sources, { target: 'debian', toolVersion: '9.9.9' });
    expect(fileOf(bundle, 'dispatcher.list').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['1 sip:pbx.health.example.net:5060 16']);
    expect(bundleOf(plain()).files.some((f) => f.path === 'dispatcher.list')).toBe(false);
  });
});

describe('kamailio.cfg: fleet profiles', () => {
  it('a station\'s comments point at the profile file for inherited parts', () => {
    const cfg = exampleCfg('examples/petrol-stations/station-01.surv', 'station-01', { 'examples/petrol-stations/profile.surv': '' });
    const line = lineOf('examples/petrol-stations/profile.surv', 'on timeout');
    expect(cfg).toContain(`# Survival: from profile.surv:${line}: on timeout {`);
    expect(cfg).toContain('listen=udp:10.60.1.1:5060');
  });
});

describe('kamailio.cfg: designs the examples do not cover (test/kamailio/fixtures/edge-cases.surv)', () => {
  const a = analyseTexts({ 'edge-cases.surv': example('test/kamailio/fixtures/edge-cases.surv') });
  const cfg = (name: string) => fileOf(buildBundle(a.branches.find((b) => b.name === name)!, a.sources, { target: 'debian', toolVersion: '9.9.9' }), 'kamailio.cfg');

  it('no outbound policy: LAN calls get 500 No Route, REGISTERs too (nowhere to forward them), as the simulator', () => {
    const minimal = cfg('minimal');
    expect(code(block(minimal, 'route[OUTBOUND]'))).toEqual(['route[OUTBOUND] {', 't_reply("500", "No Route");', 'exit;', '}']);
    expect(block(minimal, 'route[REGISTER]')).toContain('sl_send_reply("500", "No Route");');
    expect(minimal).not.toContain('route[INBOUND]');
    expect(minimal).not.toContain('loadmodule "path.so"');
  });

  it('inbound by did only: any other number gets 404 No Inbound Route, as the simulator', () => {
    const dids = cfg('dids-only');
    expect(block(dids, 'route[INBOUND]')).toContain('if ($avp(inroute) == 0) {\n\t\tt_reply("404", "No Inbound Route");\n\t\texit;');
    // A step of registered phones only: the first found is the R-URI, the others extra branches.
    expect(code(block(dids, 'route[IN_1_1]'))).toEqual([
      'route[IN_1_1] {', '$var(ring) = 10000;', '$var(found) = 0;',
      'if ($var(found) == 0) {', 'if (lookup("location", "sip:101@localhost")) {', '$var(found) = 1;', '}', '}',
      'else {', 'lookup_to_dset("location", "sip:101@localhost");', '}',
      'if ($var(found) == 0) {', 'if (lookup("location", "sip:102@localhost")) {', '$var(found) = 1;', '}', '}',
      'else {', 'lookup_to_dset("location", "sip:102@localhost");', '}',
      'if ($var(found) == 0) {', '$var(rung) = 2;', 'return;', '}', 'route(RING);', '}',
    ]);
  });

  it('TCP and IPv6 upstreams, different probe settings (a note), a rewrite that fits every number', () => {
    const dids = cfg('dids-only');
    expect(block(dids, 'route[NEXT_UPSTREAM]')).toContain('$du = "sip:pbx-a.example.com:5060;transport=tcp";');
    expect(block(dids, 'route[NEXT_UPSTREAM]')).toContain('$du = "sip:[2001:db8:9::1]:5070";');
    expect(code(block(dids, 'route[NUMBER_1]'))).toContain('if (1 == 1) {');
    expect(code(dids)).toContain('modparam("dispatcher", "ds_ping_interval", 10)');
    const bundle = buildBundle(a.branches.find((b) => b.name === 'dids-only')!, a.sources, { target: 'debian', toolVersion: '9.9.9' });
    expect(bundle.warnings).toEqual(["upstream b probes with other settings than a, but Kamailio's dispatcher has one setting for all: a's are used"]);
    expect(fileOf(bundle, 'README.txt')).toContain("NOTES\n  - upstream b probes with other settings than a");
  });
});

describe('kamailio.cfg: local calls', () => {
  const office = (localCalls = '') => cfgOf(`branch office {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.1.0.10
  phone desk2 101 at 10.1.0.11
  phone dect 120 registered
  group front 200 parallel [desk, desk2] ring 5s
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud {
    ${localCalls}
    on timeout { announce 181 "Survival Activated - please standby"  relay to pstn }
    emergency 112
  }
  inbound from pstn { ring desk }
}
`);

  it('local numbers are inbound routes numbered after the gateway\'s (chain 0, extensions 1-4, one a group number), matched exactly on $rU', () => {
    const cfg = office();
    expect(code(block(cfg, 'route[LOCAL_MATCH]'))).toEqual([
      'route[LOCAL_MATCH] {', '$var(local) = -1;',
      'if ($rU == "100") {', '$var(local) = 5;', '}',
      'else if ($rU == "101") {', '$var(local) = 6;', '}',
      'else if ($rU == "120") {', '$var(local) = 7;', '}',
      'else if ($rU == "200") {', '$var(local) = 8;', '}',
      '}',
    ]);
    expect(code(block(cfg, 'route[LOCAL_RING]'))).toEqual([
      'route[LOCAL_RING] {', 'setflag(24);', '$avp(inroute) = $var(local);', '$avp(step) = 1;',
      'xlog("L_NOTICE", "local call to $rU from $si: rung by the edge (inbound route $avp(inroute))\\n");',
      'route(INBOUND_STEP);', '}',
    ]);
    // The ring steps are the inbound machinery's: a phone at its address, a registered one by lookup, a group forked.
    expect(code(block(cfg, 'route[IN_8_1]'))).toEqual([
      'route[IN_8_1] {', '$var(ring) = 5000;', '$ru = "sip:100@10.1.0.10";', 'append_branch("sip:101@10.1.0.11");', 'route(RING);', '}',
    ]);
    expect(block(cfg, 'route[IN_7_1]')).toContain('if (lookup("location", "sip:120@localhost")) {');
    expect(block(cfg, 'route[INBOUND_STEP]')).toContain('else if ($avp(inroute) == 8) {\n\t\tif ($avp(step) == 1) {\n\t\t\troute(IN_8_1);');
    // The group's number is an extension for calls from the gateway too.
    expect(cfg).toContain('# extension 200 (group front), step 1: ring front (parallel: desk, desk2) for 5000 ms');
  });

  it('survival (the default): at the top of SURVIVE, the announcements, then the edge rings; never the gateway', () => {
    const survive = code(block(office(), 'route[SURVIVE]'));
    const at = survive.indexOf('route(LOCAL_MATCH);');
    // Before the gateway actions: the 484 test on the dialled user comes after it.
    expect(at).toBeLessThan(survive.findIndex((l) => l.includes('"484"')));
    expect(survive.slice(at, at + 9)).toEqual([
      'route(LOCAL_MATCH);', 'if ($var(local) >= 0) {',
      'xlog("L_NOTICE", "surv-event branch=office event=local-call direction=local t=$TV(Sn) call-id=$(ci{s.rmws})\\n");',
      'update_stat("local_calls", "+1");',
      '$var(reason) = $sel(cfg_get.survival.announce_1);', 't_reply("181", "$var(reason)");',
      'route(LOCAL_RING);', 'exit;', '}',
    ]);
    expect(block(office(), 'route[OUTBOUND]')).not.toContain('LOCAL_MATCH');
  });

  it('always: before the upstreams, in OUTBOUND, after the emergency numbers; SURVIVE has no local match', () => {
    const cfg = office('local-calls always');
    const outbound = block(cfg, 'route[OUTBOUND]');
    expect(outbound.indexOf('"112"')).toBeLessThan(outbound.indexOf('route(LOCAL_MATCH);'));
    expect(outbound.indexOf('route(LOCAL_MATCH);')).toBeLessThan(outbound.indexOf('route(UPSTREAM_STATE);'));
    expect(outbound).toContain('route(LOCAL_MATCH);\n\tif ($var(local) >= 0) {\n\t\txlog("L_NOTICE", "surv-event branch=office event=local-call direction=local t=$TV(Sn) call-id=$(ci{s.rmws})\\n");\n\t\tupdate_stat("local_calls", "+1");\n\t\troute(LOCAL_RING);\n\t\texit;\n\t}');
    expect(block(cfg, 'route[SURVIVE]')).not.toContain('LOCAL_MATCH');
  });

  it('off: no local routes at all; without an inbound policy, the ring machinery is written for local calls alone', () => {
    const off = office('local-calls off');
    expect(off).not.toContain('LOCAL_MATCH');
    expect(off).not.toContain('route[IN_5_1]');
    const alone = cfgOf(plain().replace('  inbound from pstn { ring desk }\n', ''));
    expect(alone).not.toContain('route[INBOUND]');
    expect(code(block(alone, 'route[LOCAL_MATCH]'))).toContain('$var(local) = 0;');
    expect(alone).toContain('route[INBOUND_STEP] {');
    expect(alone).toContain('failure_route[INBOUND_FAILED] {');
  });
});
