// kamailio.cfg for numbers both ways (issue 12, item 3): each gateway's called number
// (route[NUMBER_N]), the calling number it is told (route[CALLER_ID], route[PRESENT],
// called from the gateway branch route), the inbound normalisation and did patterns.
// test/kamailio/fixtures/replay/numbers.surv runs the same against the real Kamailio.
import { describe, expect, it } from 'vitest';
import { block, cfgOf, code, example } from './helpers.js';

const cfg = cfgOf(example('test/kamailio/fixtures/replay/numbers.surv'));

describe('kamailio.cfg: numbers to the gateways', () => {
  it('each gateway its own called-number route, from the dialled number', () => {
    expect(code(block(cfg, 'route[NUMBER_2]'))).toEqual([
      'route[NUMBER_2] {',
      '$var(number) = $var(dialled);',
      'if ($(var(dialled){s.len}) >= 1 && $(var(dialled){s.substr,0,1}) == "0") {',
      'if ($(var(dialled){s.len}) > 1) {',
      '$var(number) = $(var(dialled){s.substr,1,0});',
      '}',
      'else {',
      '$var(number) = "";',
      '}',
      '$var(number) = "+34" + $var(number);',
      'return;',
      '}',
      '}',
    ]);
  });

  it('the gateway list keeps the dialled number and sends each gateway its own', () => {
    expect(code(block(cfg, 'route[SURVIVE]'))).toContain('$avp(gwnumber) = $rU;');
    expect(code(block(cfg, 'route[GW_SEND_2]'))).toEqual(expect.arrayContaining([
      '$var(dialled) = $avp(gwnumber);', 'if ($avp(gwlist) == 2) {', '$var(number) = $var(dialled);', '}', 'else {', 'route(NUMBER_2);', '}',
      '$ru = "sip:" + $var(number) + "@127.0.22.4";',
    ]));
  });

  it('presents the calling number per branch, by the caller\'s From user', () => {
    expect(code(block(cfg, 'branch_route[GW]'))).toContain('route(CALLER_ID);');
    expect(code(block(cfg, 'route[CALLER_ID]'))).toEqual([
      'route[CALLER_ID] {',
      'if ($var(gw_name) == "isdn") {',
      'if ($fU =~ "^1[0-9]{2}$") {',
      '$var(cid) = "+349441231" + $(fU{s.substr,1,0});',
      '$var(cid_private) = 0;',
      'route(PRESENT);',
      'return;',
      '}',
      '$var(cid) = "+34944123000";',
      '$var(cid_private) = 0;',
      'route(PRESENT);',
      'return;',
      '}',
      'if ($var(gw_name) == "lte") {',
      '$var(cid) = "+34944123000";',
      '$var(cid_private) = 1;',
      'route(PRESENT);',
      'return;',
      '}',
      '}',
    ]);
    expect(code(block(cfg, 'route[PRESENT]'))).toEqual([
      'route[PRESENT] {',
      'remove_hf("P-Asserted-Identity");',
      'append_hf("P-Asserted-Identity: <sip:$var(cid)@127.0.22.1>\\r\\n");',
      'if ($var(cid_private) == 1) {',
      'remove_hf("Privacy");',
      'append_hf("Privacy: id\\r\\n");',
      '}',
      '}',
    ]);
  });

  it('a phone\'s own call to a gateway (after a redirect) is presented too', () => {
    const invite = code(block(cfg, 'route[INVITE]'));
    const at = invite.indexOf('if (is_ip("$rd") && compare_ips("$rd", "127.0.22.4")) {');
    expect(invite.slice(at, at + 12)).toEqual(expect.arrayContaining(['$var(gw_name) = "lte";', 'route(CALLER_ID);']));
  });
});

describe('kamailio.cfg: numbers from the gateways', () => {
  it('normalises, matches exact numbers, then the patterns', () => {
    expect(code(block(cfg, 'route[INBOUND]')).slice(0, 7)).toEqual([
      'route[INBOUND] {', '$avp(step) = 1;', 'route(INBOUND_NORMALISE);', '$var(num) = $var(called);', 'route(INBOUND_EXACT);',
      'if ($avp(inroute) == 0) {', 'route(INBOUND_PATTERNS);',
    ]);
    expect(code(block(cfg, 'route[INBOUND_PATTERNS]'))).toEqual([
      'route[INBOUND_PATTERNS] {',
      'if ($var(called) =~ "^9441231[0-9]{2}$") {',
      '$var(num) = "1" + $(var(called){s.substr,7,0});',
      'route(INBOUND_EXACT);',
      'return;',
      '}',
      '}',
    ]);
    expect(code(block(cfg, 'route[INBOUND_EXACT]')).slice(0, 6)).toEqual([
      'route[INBOUND_EXACT] {', '$avp(inroute) = 0;', 'if ($var(num) == "944123150") {', '$avp(inroute) = 1;', 'return;', '}',
    ]);
  });

  it('without number rules nothing is added: no caller-id route, exact matches on $rU', () => {
    const plainCfg = cfgOf(example('test/kamailio/fixtures/replay/inbound.surv'));
    expect(plainCfg).not.toContain('route[CALLER_ID]');
    expect(plainCfg).not.toContain('INBOUND_NORMALISE');
    expect(code(block(plainCfg, 'route[INBOUND]'))).toContain('$var(called) = $rU;');
  });
});
