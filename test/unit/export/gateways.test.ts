// kamailio.cfg for several gateways (issue 12, item 2): the dialog module counts each
// gateway's channels (profile `gw`), the failure route goes down a list, the redirect's
// Contact is the first gateway with a free channel, a probed gateway is in dispatcher.list.
import { describe, expect, it } from 'vitest';
import { block, bundleOf, cfgOf, code, fileOf, plain } from './helpers.js';

const LTE = '  gateway lte { address 10.1.0.4  kind trunk  channels 4 }\n';
const relay = cfgOf(plain(LTE, 'on timeout { announce 181 "S"  relay to lte, pstn }\n    emergency 112 direct to pstn, lte'));

describe('kamailio.cfg: gateway channels (dialog profiles)', () => {
  it('loads dialog with one valued profile, and makes every initial INVITE a dialog', () => {
    expect(relay).toContain('loadmodule "dialog.so"');
    expect(code(relay)).toEqual(expect.arrayContaining(['modparam("dialog", "profiles_with_value", "gw")', 'modparam("dialog", "dlg_match_mode", 1)']));
    expect(code(block(relay, 'route[INVITE]')).slice(0, 5)).toEqual(['route[INVITE] {', 'if (!t_newtran()) {', 'sl_reply_error();', 'exit;', '}']);
    expect(code(block(relay, 'route[INVITE]'))[5]).toBe('dlg_manage();');
  });

  it('a call from a gateway holds one of its channels; a phone calling a full gateway gets 503', () => {
    const invite = code(block(relay, 'route[INVITE]'));
    expect(invite).toContain('set_dlg_profile("gw", "pstn");');
    const direct = invite.indexOf('if (is_ip("$rd") && compare_ips("$rd", "10.1.0.4")) {');
    expect(invite.slice(direct, direct + 9)).toEqual([
      'if (is_ip("$rd") && compare_ips("$rd", "10.1.0.4")) {',
      'get_profile_size("gw", "lte", "$var(gw_calls)");',
      'if ($var(gw_calls) >= 4) {',
      'xlog("L_NOTICE", "call to $rU: gateway lte full ($var(gw_calls) of 4 channels in use)\\n");',
      't_reply("503", "No Gateway Available");',
      'exit;',
      '}',
      'set_dlg_profile("gw", "lte");',
      '$du = "sip:10.1.0.4:5060";',
    ]);
  });
});

describe('kamailio.cfg: gateway lists', () => {
  it('the survival relay and emergency numbers start their list; GW_NEXT tries each in order, then 503', () => {
    expect(code(block(relay, 'route[GW_NEXT]'))).toEqual([
      'route[GW_NEXT] {',
      'if ($avp(gwlist) == 1) {', '$var(gw_skip_full) = 1;',
      'if ($avp(gw) < 1) {', '$avp(gw) = 1;', 'route(GW_SEND_2);', 'if ($var(gw_sent) == 1) {', 'return;', '}', '}',
      'if ($avp(gw) < 2) {', '$avp(gw) = 2;', 'route(GW_SEND_1);', 'if ($var(gw_sent) == 1) {', 'return;', '}', '}',
      '}',
      'if ($avp(gwlist) == 2) {', '$var(gw_skip_full) = 0;',
      'if ($avp(gw) < 1) {', '$avp(gw) = 1;', 'route(GW_SEND_1);', 'if ($var(gw_sent) == 1) {', 'return;', '}', '}',
      'if ($avp(gw) < 2) {', '$avp(gw) = 2;', 'route(GW_SEND_2);', 'if ($var(gw_sent) == 1) {', 'return;', '}', '}',
      '}',
      'xlog("L_NOTICE", "call to $rU: no gateway left (full, marked down or failed)\\n");',
      't_reply("503", "No Gateway Available");',
      'exit;',
      '}',
    ]);
    const outbound = code(block(relay, 'route[OUTBOUND]'));
    const e = outbound.indexOf('if ($rU == "112") {');
    expect(outbound.slice(e + 1, e + 7)).toEqual([
      'xlog("L_NOTICE", "emergency call to $rU from $si: straight to gateway pstn, lte\\n");',
      't_set_disable_internal_reply(1);', '$avp(gwnumber) = $rU;', '$avp(gwlist) = 2;', '$avp(gw) = 0;', 'route(GW_NEXT);',
    ]);
  });

  it('the failure route moves on after no reply or 408, 486, 503, 600, and never after a branch that rang', () => {
    expect(code(block(relay, 'failure_route[GW_FAILED]'))).toEqual([
      'failure_route[GW_FAILED] {',
      'if (t_is_canceled()) {', 'exit;', '}',
      'if (t_branch_timeout()) {',
      'if (t_branch_replied()) {', 'xlog("L_INFO", "call to $rU: rang at $du and timed out, 408\\n");', 'exit;', '}',
      'xlog("L_NOTICE", "call to $rU: no reply at all from gateway $du\\n");', 'route(GW_NEXT);', 'exit;',
      '}',
      'if (t_check_status("408|486|503|600")) {',
      'xlog("L_NOTICE", "call to $rU: $T_reply_code from gateway $du, the next gateway\\n");', 'route(GW_NEXT);', 'exit;',
      '}',
      '}',
    ]);
  });

  it('each branch moves the dialog\'s channel to its gateway', () => {
    expect(code(block(relay, 'branch_route[GW]'))).toEqual([
      'branch_route[GW] {',
      'if ($var(gw_name) != "pstn") {', 'unset_dlg_profile("gw", "pstn");', '}',
      'if ($var(gw_name) != "lte") {', 'unset_dlg_profile("gw", "lte");', '}',
      'set_dlg_profile("gw", "$var(gw_name)");',
      '}',
    ]);
    expect(code(block(relay, 'route[GW_FREE_2]'))).toEqual([
      'route[GW_FREE_2] {', '$var(gw_free) = 0;',
      'if ($var(gw_skip_full) == 1) {',
      'get_profile_size("gw", "lte", "$var(gw_calls)");',
      'if ($var(gw_calls) >= 4) {', 'xlog("L_INFO", "call to $rU: gateway lte full ($var(gw_calls) of 4 channels in use), skipped\\n");', 'return;', '}',
      '}',
      '$var(gw_free) = 1;', '}',
    ]);
  });

  it('a redirect list: the Contact of the first gateway with a free channel, else 503', () => {
    const cfg = cfgOf(plain(LTE, 'on timeout { redirect 302 to lte, pstn }\n    emergency 112 direct to pstn, lte'));
    // The number rules of each gateway (route[NUMBER_N], docs/language.md) are left out here.
    const survive = code(block(cfg, 'route[SURVIVE]')).filter((l) => !/^\$var\(dialled\)|^route\(NUMBER_/.test(l));
    const from = survive.indexOf('$var(gw_skip_full) = 1;');
    // With the survival event of the gateway chosen (cfg-events.ts).
    const event = (g: string) => [
      `xlog("L_NOTICE", "surv-event branch=plain event=survival-redirect direction=outbound gateway=${g} t=$TV(Sn) call-id=$(ci{s.rmws})\\n");`,
      'update_stat("gateway_redirects", "+1");',
    ];
    expect(survive.slice(from, from + 20)).toEqual([
      '$var(gw_skip_full) = 1;',
      'route(GW_FREE_2);', 'if ($var(gw_free) == 1) {',
      'xlog("L_NOTICE", "survival: no upstream answered a call to $rU from $si: 302 to gateway lte\\n");', ...event('lte'),
      'append_to_reply("Contact: <sip:$var(number)@10.1.0.4>\\r\\n");', 't_reply("302", "Moved Temporarily");', 'exit;', '}',
      'route(GW_FREE_1);', 'if ($var(gw_free) == 1) {',
      'xlog("L_NOTICE", "survival: no upstream answered a call to $rU from $si: 302 to gateway pstn\\n");', ...event('pstn'),
      'append_to_reply("Contact: <sip:$var(number)@10.1.0.3>\\r\\n");', 't_reply("302", "Moved Temporarily");', 'exit;', '}',
      'xlog("L_NOTICE", "survival: no gateway of the redirect list is up with a free channel for $rU\\n");',
    ]);
  });

  it('a probed gateway: in dispatcher.list as set 100 + its number, down and up from the dispatcher events', () => {
    const bundle = bundleOf(plain('  gateway lte { address 10.1.0.4  kind trunk  channels 4  probe options every 5s }\n', 'on timeout { relay to lte, pstn }'));
    expect(fileOf(bundle, 'dispatcher.list').split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual(['102 sip:10.1.0.4:5060 0']);
    const cfg = fileOf(bundle, 'kamailio.cfg');
    expect(code(cfg)).toContain('modparam("pv", "shvset", "gwdown_2=i:0")');
    expect(code(block(cfg, 'event_route[dispatcher:dst-down]'))).toEqual([
      'event_route[dispatcher:dst-down] {', 'if ($ru == "sip:10.1.0.4:5060") {', '$shv(gwdown_2) = 1;',
      'xlog("L_WARN", "gateway lte marked down: gateway lists skip it\\n");', '}', '}',
    ]);
    expect(code(block(cfg, 'route[GW_FREE_2]')).slice(0, 6)).toEqual([
      'route[GW_FREE_2] {', '$var(gw_free) = 0;', 'if ($shv(gwdown_2) == 1) {',
      'xlog("L_INFO", "call to $rU: gateway lte is marked down, skipped\\n");', 'return;', '}',
    ]);
  });
});
