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
    const base = ['kex', 'corex', 'tm', 'tmx', 'sl', 'rr', 'pv', 'maxfwd', 'textops', 'siputils', 'xlog', 'sanity', 'ipops', 'ctl', 'cfg_rpc', 'pike', 'ratelimit'];
    expect(loaded(bilbao)).toEqual([...base, 'path']);
    expect(loaded(hospital)).toEqual([...base, 'path', 'usrloc', 'registrar', 'dispatcher']);
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

  it('acts only on a branch timeout with no reply at all; a call that rang gets tm\'s 408', () => {
    const failure = block(bilbao, 'failure_route[OUTBOUND_FAILED]');
    expect(failure).toContain('if (t_branch_timeout()) {\n\t\tif (t_branch_replied()) {');
    expect(failure).toMatch(/t_branch_replied\(\)\) \{\n(\t\t\t#.*\n)?\t\t\txlog[^\n]*\n\t\t\texit;/);
    expect(failure).toContain('\t\troute(NEXT_UPSTREAM);');
    // pass all (the default): any final reply goes back unchanged.
    expect(failure.trimEnd().endsWith('\texit;\n}')).toBe(true);
    expect(failure).not.toContain('sleep');
  });

  it('a pass list: listed replies pass, the others count like a timeout', () => {
    const failure = block(hospital, 'failure_route[OUTBOUND_FAILED]');
    expect(failure).toContain('if (($T_reply_code >= 300 && $T_reply_code < 400) || ($T_reply_code >= 400 && $T_reply_code < 500) || ($T_reply_code >= 600 && $T_reply_code < 700)) {\n\t\texit;\n\t}');
    const single = cfgOf(plain('', 'on timeout { redirect 302 to pstn }\n    pass 404, 486'));
    expect(block(single, 'failure_route[OUTBOUND_FAILED]')).toContain('if ($T_reply_code == 404 || $T_reply_code == 486) {');
  });

  it('redirect survival: the announce, then the 302 with Contact sip:NUMBER@GATEWAY', () => {
    const survive = block(bilbao, 'route[SURVIVE]');
    expect(code(survive)).toEqual([
      'route[SURVIVE] {',
      'if (!($rU =~ "^([A-Za-z0-9+*._~-]|%[0-9A-Fa-f]{2})+$")) {',
      'xlog("L_NOTICE", "call from $si: no upstream answered, dialled user not usable for survival: 484\\n");',
      't_reply("484", "Address Incomplete");',
      'exit;',
      '}',
      'route(REWRITE);',
      '$var(reason) = $sel(cfg_get.survival.announce_1);',
      't_reply("181", "$var(reason)");',
      'xlog("L_NOTICE", "survival: no upstream answered a call to $rU from $si: 302 to gateway pstn\\n");',
      'append_to_reply("Contact: <sip:$var(number)@10.10.1.3>\\r\\n");',
      't_reply("302", "Moved Temporarily");',
      'exit;',
      '}',
    ]);
    // A gateway port other than 5060 is in the Contact; IPv6 is bracketed.
    expect(block(vitoria, 'route[SURVIVE]')).toContain('append_to_reply("Contact: <sip:$var(number)@[2001:db8:700:1::3]>\\r\\n");');
    const port = cfgOf(plain().replace('address 10.1.0.3 ', 'address 10.1.0.3:5080 '));
    expect(block(port, 'route[SURVIVE]')).toContain('<sip:$var(number)@10.1.0.3:5080>');
  });

  it('relay survival: the proxy sends the call to the gateway itself, the rewritten number in the R-URI', () => {
    const survive = block(hospital, 'route[SURVIVE]');
    expect(survive).toContain('\t$ru = "sip:" + $var(number) + "@10.40.0.3";\n\t$du = "sip:10.40.0.3:5060";\n\troute(TIMERS);\n\tif (!t_relay()) {\n\t\tt_reply("500", "Server Internal Error");');
    expect(survive).not.toContain('t_on_failure');
  });

  it('rewrite rules in order, first match wins; strip and prefix', () => {
    const rewrite = block(hospital, 'route[REWRITE]');
    expect(code(rewrite)).toEqual([
      'route[REWRITE] {',
      '$var(number) = $rU;',
      'if ($(rU{s.len}) >= 1 && $(rU{s.substr,0,1}) == "0") {',
      'if ($(rU{s.len}) > 1) {',
      '$var(number) = $(rU{s.substr,1,0});',
      '}',
      'else {',
      '$var(number) = "";',
      '}',
      'return;',
      '}',
      'if ($(rU{s.len}) >= 1 && $(rU{s.substr,0,1}) == "2") {',
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
    expect(out).toContain('$du = "sip:10.10.1.3:5060";');
    expect(out).toContain('t_set_disable_internal_reply(1);');
  });

  it('a call to a local gateway (a phone following the 302) is relayed there without a failure route', () => {
    const inv = block(bilbao, 'route[INVITE]');
    expect(inv).toContain('if (is_ip("$rd") && compare_ips("$rd", "10.10.1.3")) {\n\t\t$du = "sip:10.10.1.3:5060";\n\t\troute(TIMERS);\n\t\tt_relay();\n\t\texit;');
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
    const inbound = block(hospital, 'route[INBOUND]');
    expect(inbound).toContain('if ($rU == "944552100") {\n\t\t$avp(inroute) = 1;');
    expect(inbound).toContain('else if ($rU == "2000") {\n\t\t$avp(inroute) = 5;');
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
      'modparam("dispatcher", "list_file", "/etc/kamailio/dispatcher.list")',
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
    expect(code(block(dids, 'route[REWRITE]'))).toContain('if (1 == 1) {');
    expect(code(dids)).toContain('modparam("dispatcher", "ds_ping_interval", 10)');
    const bundle = buildBundle(a.branches.find((b) => b.name === 'dids-only')!, a.sources, { target: 'debian', toolVersion: '9.9.9' });
    expect(bundle.warnings).toEqual(["upstream b probes with other settings than a, but Kamailio's dispatcher has one setting for all: a's are used"]);
    expect(fileOf(bundle, 'README.txt')).toContain("NOTES\n  - upstream b probes with other settings than a");
  });
});
