// Exact traces for the canonical cases of issue 4.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { simulate, type TraceEntry } from '../../../engines/simulate/index.js';
import { parse } from '../../../engines/simulate/sip.js';
import { lines, scenarioOf } from './helpers.js';

const BILBAO = 'examples/bilbao.surv';
const TWO = 'examples/two-head-offices.surv';

/** A bilbao-like branch with the given scenario body. */
function custom(body: string, timers = 'no-answer 10s  ringing 30s') {
  const text = `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { ${timers}  budget 40s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112
  }
}
scenario "s" in b {
${body}
}
`;
  const { model, diagnostics } = analyze([{ uri: 'custom.surv', text }], { symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return simulate(model.branches[0]!, model.scenarios[0]!);
}

const toCallerOrUpstream = (t: TraceEntry) => t.call === 0;

describe('simulate: the seed case (examples/bilbao.surv, cloud silent)', () => {
  const { branch, scenario } = scenarioOf(BILBAO, 'cloud down, desk dials out');
  const r = simulate(branch, scenario);
  const noFollow = simulate(branch, scenario, { followRedirect: false });

  it('retransmits the INVITE at 0, 0.5, 1.5, 3.5, 7.5 s, then 181 and 302 at 10 s', () => {
    expect(lines(noFollow.trace, (t) => !(t.from === 'desk1' && t.atMs === 10000))).toEqual([
      '0 desk1>edge INVITE',
      '0 edge>desk1 100',
      '0 edge>cloud INVITE',
      '500 edge>cloud INVITE',
      '1500 edge>cloud INVITE',
      '3500 edge>cloud INVITE',
      '7500 edge>cloud INVITE',
      '10000 edge>desk1 181',
      '10000 edge>desk1 302',
    ]);
    expect(r.trace.filter((t) => t.summary === 'INVITE' && t.to === 'cloud').map((t) => t.cause)).toEqual([
      'outbound via cloud', 'Timer A retransmission 1', 'Timer A retransmission 2', 'Timer A retransmission 3', 'Timer A retransmission 4',
    ]);
  });

  it('the 302 carries Contact sip:944000000@10.10.1.3 and the survival cause', () => {
    const redirect = r.trace.find((t) => t.status === 302)!;
    expect(redirect.cause).toContain('fr_timer fired');
    expect(redirect.cause).toContain('survival: redirect');
    expect(redirect.text).toContain('Contact: <sip:944000000@10.10.1.3>\r\n');
    const announce = r.trace.find((t) => t.status === 181)!;
    expect(announce.text.startsWith('SIP/2.0 181 Survival Activated - please standby\r\n')).toBe(true);
  });

  it('every message is real SIP: Max-Forwards decremented, Record-Route, Via branches', () => {
    const [fromPhone, toCloud] = r.trace.filter((t) => t.summary === 'INVITE');
    const up = parse(toCloud!.text);
    expect(parse(fromPhone!.text).headers['max-forwards']).toBe('70');
    expect(up.headers['max-forwards']).toBe('69');
    expect(toCloud!.text).toContain('Record-Route: <sip:10.222.237.1;lr>\r\n');
    expect(up.headers.via.map((v) => v.host)).toEqual(['10.222.237.1', '10.222.237.11']);
    expect(up.headers.via[0]!.params.branch).toMatch(/^z9hG4bK/);
    expect(toCloud!.transaction).not.toBe(fromPhone!.transaction);
  });

  it('the phone follows the 302 through the edge to the gateway; the expectations pass', () => {
    expect(r.calls[0]).toMatchObject({ caller: 'desk1', postDialDelayMs: 10000, finals: [{ code: 302, atMs: 10000 }, { code: 200, atMs: 12000 }], path: ['desk1', 'edge', 'cloud', 'edge', 'pstn'] });
    expect(r.verdicts.map((v) => v.status)).toEqual(['pass', 'pass']);
    expect(r.verdicts[1]!.origin).toEqual(scenario.expectations[1]!.origin);
  });

  it('is deterministic: same input, identical JSON', () => {
    expect(JSON.stringify(simulate(branch, scenario))).toBe(JSON.stringify(r));
  });
});

describe('simulate: replies from a live upstream', () => {
  it('a 404 passes through unchanged, ACKed hop by hop, no survival', () => {
    const { branch, scenario } = scenarioOf(BILBAO, 'cloud up, number does not exist');
    const r = simulate(branch, scenario);
    expect(lines(r.trace)).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE', '0 cloud>edge 404', '0 edge>cloud ACK', '0 edge>desk1 404', '0 desk1>edge ACK',
    ]);
    expect(r.calls[0]!.finalCode).toBe(404);
    expect(r.verdicts.map((v) => v.status)).toEqual(['pass']);
  });

  it('a 503 reaches the phone as a 500 built by the proxy (remap_503_500)', () => {
    const r = custom('  cloud answers 503\n  desk1 calls 944000000');
    expect(lines(r.trace, (t) => t.to === 'desk1')).toEqual(['0 edge>desk1 100', '0 edge>desk1 500']);
    expect(r.trace.find((t) => t.status === 500)!.cause).toContain('remap_503_500');
  });

  it('a 486 passes through as is', () => {
    const r = custom('  cloud answers 486 after 2s\n  desk1 calls 944000000');
    expect(lines(r.trace, (t) => t.to === 'desk1')).toEqual(['0 edge>desk1 100', '2000 edge>desk1 486']);
  });

  it('a 200 call completes with ACK and BYE end to end through the proxy', () => {
    const r = custom('  cloud up\n  desk1 calls 944000000');
    expect(lines(r.trace)).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE', '0 cloud>edge 100', '0 cloud>edge 180', '0 edge>desk1 180',
      '2000 cloud>edge 200', '2000 edge>desk1 200', '2000 desk1>edge ACK', '2000 edge>cloud ACK',
      '7000 desk1>edge BYE', '7000 edge>cloud BYE', '7000 cloud>edge 200', '7000 edge>desk1 200',
    ]);
    const ack = r.trace.find((t) => t.summary === 'ACK' && t.from === 'desk1')!;
    expect(ack.text).toContain('Route: <sip:10.1.0.1;lr>\r\n');
    expect(r.calls[0]).toMatchObject({ answered: true, finalCode: 200, postDialDelayMs: 0, path: ['desk1', 'edge', 'cloud'] });
  });

  it('100 then nothing: no retransmission; at trying (default: the no-answer value) survival, then CANCEL upstream', () => {
    const r = custom('  cloud trying\n  desk1 calls 944000000');
    expect(lines(r.trace, (t) => t.call === 0 && (t.to === 'cloud' || t.from === 'cloud' || t.atMs < 10000 || t.status === 181 || t.status === 302))).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE', '0 cloud>edge 100',
      '10000 edge>desk1 181', '10000 edge>desk1 302', '10000 edge>cloud CANCEL',
      '10500 edge>cloud CANCEL', '11500 edge>cloud CANCEL', '13500 edge>cloud CANCEL',
    ]);
    expect(r.trace.some((t) => t.status === 408)).toBe(false);
    expect(r.trace.find((t) => t.status === 181)!.cause).toBe('fr_inv_timer fired on cloud (only 100 Trying within trying 10s); survival: announce');
  });

  it('100 then nothing with trying 4s: survival at 4 s, not at no-answer or ringing', () => {
    const r = custom('  cloud trying\n  desk1 calls 944000000', 'no-answer 10s  ringing 30s  trying 4s');
    expect(lines(r.trace, (t) => t.status === 181 || t.status === 302 || t.summary === 'CANCEL').slice(0, 3)).toEqual(['4000 edge>desk1 181', '4000 edge>desk1 302', '4000 edge>cloud CANCEL']);
  });

  it('a 180 after trying ran out is too late; a 180 before it rings for ringing (408, no survival)', () => {
    const rang = custom('  cloud answers 180 after 3s\n  desk1 calls 944000000', 'no-answer 4s  ringing 30s  trying 8s');
    expect(lines(rang.trace, (t) => t.status === 180 || t.status === 408 || t.status === 181)).toEqual(['3000 cloud>edge 180', '3000 edge>desk1 180', '33000 edge>desk1 408']);
  });

  it('an unanswered CANCEL is resent only within no-answer (its fr_timer) and while the call lives (wt_timer, 5 s after the final reply)', () => {
    const cancels = (timers: string) => custom('  cloud trying\n  desk1 calls 944000000', timers).trace.filter((t) => t.summary === 'CANCEL').map((t) => t.atMs);
    // Measured on Kamailio 5.6 by the replay harness (test/kamailio/replay.test.ts).
    expect(cancels('no-answer 2s  ringing 30s  trying 30s')).toEqual([30000, 30500, 31500]);
    expect(cancels('no-answer 10s  ringing 30s  trying 30s')).toEqual([30000, 30500, 31500, 33500]);
    // 37.5 s would still be within a 20 s no-answer, but the transaction is gone at 35 s.
    expect(cancels('no-answer 20s  ringing 30s  trying 30s')).toEqual([30000, 30500, 31500, 33500]);
  });

  it('no 100 before a reply the edge makes itself without relaying (404 to a gateway not in inbound from, 500 No Route)', () => {
    const notInbound = custom('  pstn calls 101');
    expect(lines(notInbound.trace, toCallerOrUpstream)).toEqual(['0 pstn>edge INVITE', '0 edge>pstn 404', '0 pstn>edge ACK']);
  });

  it('each later provisional restarts fr_inv_timer; a ringing upstream answers the CANCEL with 487', () => {
    const r = custom('  cloud answers 180 after 5s\n  desk1 calls 944000000');
    expect(lines(r.trace)).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE', '500 edge>cloud INVITE', '1500 edge>cloud INVITE', '3500 edge>cloud INVITE',
      '5000 cloud>edge 180', '5000 edge>desk1 180',
      '35000 edge>desk1 408', '35000 edge>cloud CANCEL', '35000 desk1>edge ACK', '35000 cloud>edge 200', '35000 cloud>edge 487', '35000 edge>cloud ACK',
    ]);
  });

  it('an emergency number goes straight to the gateway, upstream or not', () => {
    const r = custom('  cloud silent\n  pstn answers after 1s\n  desk1 calls 112');
    expect(lines(r.trace, (t) => t.summary === 'INVITE' || t.status === 200).slice(0, 5)).toEqual([
      '0 desk1>edge INVITE', '0 edge>pstn INVITE', '500 edge>pstn INVITE', '1000 pstn>edge 200', '1000 edge>desk1 200',
    ]);
    expect(r.trace.some((t) => t.to === 'cloud')).toBe(false);
  });

  it('T2 caps the retransmission interval (fr_timer 20 s: 0 ... 19.5 s)', () => {
    const r = custom('  cloud silent\n  desk1 calls 944000000', 'no-answer 20s  ringing 30s');
    expect(r.trace.filter((t) => t.to === 'cloud').map((t) => t.atMs)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500]);
  });
});

describe('simulate: serial failover (examples/two-head-offices.surv)', () => {
  it('both silent: second INVITE at the first fr_timer, survival at the sum', () => {
    const { branch, scenario } = scenarioOf(TWO, 'both head offices silent');
    const r = simulate(branch, scenario, { followRedirect: false });
    expect(lines(r.trace, (t) => t.from === 'edge')).toEqual([
      '0 edge>sales2 100',
      '0 edge>hq-madrid INVITE', '500 edge>hq-madrid INVITE', '1500 edge>hq-madrid INVITE', '3500 edge>hq-madrid INVITE',
      '6000 edge>hq-barcelona INVITE', '6500 edge>hq-barcelona INVITE', '7500 edge>hq-barcelona INVITE', '9500 edge>hq-barcelona INVITE',
      '12000 edge>sales2 181', '12000 edge>sales2 302',
    ]);
    expect(r.trace.find((t) => t.to === 'hq-barcelona')!.cause).toBe('fr_timer fired on hq-madrid (no reply at all): serial failover to hq-barcelona');
    expect(r.verdicts.map((v) => v.status)).toEqual(['pass', 'pass']);
  });

  it('with fr_timer 10 s on each upstream: second INVITE at 10 s, survival at 20 s', () => {
    const { branch, scenario } = scenarioOf(TWO, 'both head offices silent');
    const slow = { ...branch, timers: { ...branch.timers, noAnswerMs: { ...branch.timers.noAnswerMs, value: 10000 } } };
    const r = simulate(slow, scenario, { followRedirect: false });
    expect(r.trace.find((t) => t.to === 'hq-barcelona')!.atMs).toBe(10000);
    expect(lines(r.trace, (t) => t.to === 'sales2' && t.status !== 100)).toEqual(['20000 edge>sales2 181', '20000 edge>sales2 302']);
    expect(r.calls[0]!.postDialDelayMs).toBe(20000);
  });

  it('Madrid silent, Barcelona answers after 3 s: 200 at 9 s, no survival', () => {
    const { branch, scenario } = scenarioOf(TWO, 'Madrid silent, Barcelona takes the call');
    const r = simulate(branch, scenario);
    expect(r.trace.some((t) => t.status === 302)).toBe(false);
    expect(r.verdicts.map((v) => v.status)).toEqual(['pass']);
    expect(r.calls[0]!.path).toEqual(['sales1', 'edge', 'hq-madrid', 'hq-barcelona']);
  });
});

describe('simulate: inbound calls from the gateway', () => {
  it('a parallel fork: the first 200 wins, the ringing loser gets a CANCEL (bilbao)', () => {
    const { branch, scenario } = scenarioOf(BILBAO, 'incoming PSTN call forks to the front desk');
    const r = simulate(branch, scenario);
    expect(lines(r.trace, (t) => t.atMs <= 4000)).toEqual([
      '0 pstn>edge INVITE', '0 edge>pstn 100', '0 edge>reception INVITE', '0 edge>desk1 INVITE',
      '0 reception>edge 180', '0 desk1>edge 180', '0 edge>pstn 180', '0 edge>pstn 180',
      '4000 desk1>edge 200', '4000 edge>pstn 200', '4000 edge>reception CANCEL', '4000 pstn>edge ACK',
      '4000 reception>edge 200', '4000 reception>edge 487', '4000 edge>desk1 ACK', '4000 edge>reception ACK',
    ]);
    expect(r.trace.some((t) => t.status === 487 && t.to === 'pstn')).toBe(false);
    expect(r.verdicts.map((v) => v.status)).toEqual(['pass']);
  });

  it('a serial chain: the step rings for its time, then the next step rings and only then the CANCEL goes (station-07)', () => {
    const { branch, scenario } = scenarioOf('examples/petrol-stations/station-07.surv');
    const r = simulate(branch, scenario);
    expect(lines(r.trace, (t) => t.summary === 'INVITE' || t.summary === 'CANCEL' || t.status === 200).slice(0, 5)).toEqual([
      '0 pstn>edge INVITE', '0 edge>shop INVITE', '15000 edge>office INVITE', '15000 edge>shop CANCEL', '15000 shop>edge 200',
    ]);
    expect(r.calls[0]).toMatchObject({ finalCode: 200, finals: [{ code: 200, atMs: 17000 }], path: ['pstn', 'edge', 'shop', 'office'] });
  });

  it('a phone that is busy answers 486 at once, before it reads the CANCEL that came right behind the INVITE', () => {
    // The edge sends the next step's INVITE, then the CANCEL of the step that rang out
    // (tm's order); the phone answers each as it reads it. Live, surv replay saw the 486
    // on either side of the CANCEL's replies while the busy reply waited a turn.
    const { branch, scenario } = scenarioOf('test/kamailio/fixtures/replay/inbound.surv', 'desk2 unregistered, desk1 rings out, then busy');
    const r = simulate(branch, scenario);
    expect(lines(r.trace, (t) => t.atMs >= 3000 && (t.from === 'desk1' || t.to === 'desk1'))).toEqual([
      '3000 edge>desk1 INVITE', '3000 edge>desk1 CANCEL', '3000 desk1>edge 486', '3000 desk1>edge 200', '3000 desk1>edge 487',
      '3000 edge>desk1 ACK', '3000 edge>desk1 ACK',
    ]);
  });
});


describe('simulate: OPTIONS probing (examples/critical-branch.surv)', () => {
  const { branch, scenario } = scenarioOf('examples/critical-branch.surv', 'PBX dies: probes mark it down, later calls go straight out');
  const r = simulate(branch, scenario);

  it('probes on a 15 s grid, resent at +0.5 and +1.5 s, and marks the cloud down on the second failure (32 s)', () => {
    expect(r.trace.filter((t) => t.summary === 'OPTIONS' && t.atMs < 40000).map((t) => t.atMs)).toEqual([15000, 15500, 16500, 30000, 30500, 31500]);
    expect(r.marks).toEqual([{ atMs: 32000, actor: 'cloud', event: 'marked-down', cause: 'probe timed out: 2 failed probes in a row' }]);
  });

  it('writes the probe and its own Via as Kamailio does: the dispatcher destination with its port, no default port in the Via', () => {
    const probe = r.trace.find((t) => t.summary === 'OPTIONS')!.text;
    expect(probe.startsWith('OPTIONS sip:pbx.health.example.net:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.40.0.1;branch=z9hG4bKds')).toBe(true);
    const relayed = r.trace.find((t) => t.summary === 'INVITE' && t.from === 'edge')!.text;
    expect(relayed).toMatch(/^INVITE sip:944000000@10\.40\.0\.3 SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 10\.40\.0\.1;branch=z9hG4bKed\d+\r\nVia: SIP\/2\.0\/UDP 10\.40\.8\.10:5060;/);
  });

  it('a call while the cloud is marked down goes straight to survival (relay to the PRI), no 100 before the 181', () => {
    expect(lines(r.trace, (t) => t.call === 0 && t.atMs <= 42000 && t.summary !== 'ACK')).toEqual([
      '40000 admin>edge INVITE', '40000 edge>admin 181', '40000 edge>isdn30 INVITE', '40500 edge>isdn30 INVITE',
      '41500 edge>isdn30 INVITE', '42000 isdn30>edge 200', '42000 edge>admin 200',
    ]);
    expect(r.trace.some((t) => t.call === 0 && t.to === 'cloud')).toBe(false);
    expect(r.trace.find((t) => t.status === 181)!.cause).toBe('cloud marked down; survival: announce');
  });

  it('an upstream back up is marked up on the reply to the up-after-th probe, not before the holdoff', () => {
    const text = `branch p {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060  probe options every 5s timeout 2s down after 2 up after 3 holdoff 30s }
  timers { no-answer 5s  ringing 60s  budget 40s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
scenario "s" in p {
  cloud silent until 20s
  desk1 calls 944000000 at 60s
}
`;
    const { model } = analyze([{ uri: 'p.surv', text }], { symbols: false });
    const pr = simulate(model.branches[0]!, model.scenarios[0]!);
    // Down at 12 s (probe at 10 s + 2 s); successes from 20 s on; 3 in a row by 30 s, but the
    // 30 s holdoff from 12 s keeps it down until the first success at or after 42 s (45 s).
    expect(pr.marks.map((m) => `${m.atMs} ${m.event}`)).toEqual(['12000 marked-down', '45000 marked-up']);
    expect(pr.calls[0]!.path).toEqual(['desk1', 'edge', 'cloud']);
  });
});
