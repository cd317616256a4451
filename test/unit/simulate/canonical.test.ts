// Exact traces for more canonical cases of issue 4: a flapping upstream, gateway channels
// exhausted, an emergency call during an outage, probing down and back up with a hold-off.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engines/simulate/index.js';
import { startLine } from '../../../engines/simulate/message.js';
import { causes, lines, scenarioOf, simulateText } from './helpers.js';

const branch = (onTimeout: string, upstream = 'upstream cloud { proxy sip:pbx.example.com:5060 }', timers = 'no-answer 10s  ringing 30s  budget 40s') => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  ${upstream}
  timers { ${timers} }
  phone desk1 101 at 10.1.0.11
  phone desk2 102 at 10.1.0.12
  phone desk3 103 at 10.1.0.13
  outbound from lan via cloud {
    on timeout { ${onTimeout} }
  }
  inbound from pstn { ring desk1 }
}
`;
const redirect = 'announce 181 "Survival Activated - please standby"  redirect 302 to pstn';
const relay = 'announce 181 "Survival Activated - please standby"  relay to pstn';
const ofCall = (trace: Parameters<typeof lines>[0], call: number) => lines(trace, (t) => t.call === call);

describe('simulate: a flapping upstream (flapping down 20s up 20s)', () => {
  const r = simulateText(`${branch(redirect)}scenario "s" in b {
  cloud flapping down 20s up 20s
  desk1 calls 944000001 at 5s
  desk2 calls 944000002 at 15s
  desk3 calls 944000003 at 25s
}
`);

  it('a call whose whole fr_timer falls in a down phase goes to survival at 15 s (302 to the gateway)', () => {
    expect(ofCall(r.trace, 0)).toEqual([
      '5000 desk1>edge INVITE', '5000 edge>desk1 100', '5000 edge>cloud INVITE',
      '5500 edge>cloud INVITE', '6500 edge>cloud INVITE', '8500 edge>cloud INVITE', '12500 edge>cloud INVITE',
      '15000 edge>desk1 181', '15000 edge>desk1 302', '15000 desk1>edge ACK',
      '15000 desk1>edge INVITE', '15000 edge>desk1 100', '15000 edge>pstn INVITE', '15000 pstn>edge 100', '15000 pstn>edge 180', '15000 edge>desk1 180',
      '17000 pstn>edge 200', '17000 edge>desk1 200', '17000 desk1>edge ACK', '17000 edge>pstn ACK',
      '22000 desk1>edge BYE', '22000 edge>pstn BYE', '22000 pstn>edge 200', '22000 edge>desk1 200',
    ]);
    expect(r.trace.find((t) => t.call === 0 && t.status === 302)!.text).toContain('Contact: <sip:944000001@10.10.1.3>\r\n');
  });

  it('a call placed at 15 s is answered by the Timer A retransmission that reaches the cloud back up (22.5 s)', () => {
    expect(ofCall(r.trace, 1)).toEqual([
      '15000 desk2>edge INVITE', '15000 edge>desk2 100', '15000 edge>cloud INVITE',
      '15500 edge>cloud INVITE', '16500 edge>cloud INVITE', '18500 edge>cloud INVITE', '22500 edge>cloud INVITE',
      '22500 cloud>edge 100', '22500 cloud>edge 180', '22500 edge>desk2 180',
      '24500 cloud>edge 200', '24500 edge>desk2 200', '24500 desk2>edge ACK', '24500 edge>cloud ACK',
      '29500 desk2>edge BYE', '29500 edge>cloud BYE', '29500 cloud>edge 200', '29500 edge>desk2 200',
    ]);
    expect(r.calls[1]).toMatchObject({ postDialDelayMs: 7500, finalCode: 200, path: ['desk2', 'edge', 'cloud'] });
  });

  it('a call in an up phase goes upstream with no delay', () => {
    expect(ofCall(r.trace, 2).slice(0, 8)).toEqual([
      '25000 desk3>edge INVITE', '25000 edge>desk3 100', '25000 edge>cloud INVITE', '25000 cloud>edge 100', '25000 cloud>edge 180', '25000 edge>desk3 180',
      '27000 cloud>edge 200', '27000 edge>desk3 200',
    ]);
    expect(r.calls.map((c) => c.postDialDelayMs)).toEqual([10000, 7500, 0]);
  });
});

describe('simulate: gateway channels exhausted (BRI, 2 channels, survival relay)', () => {
  const r = simulateText(`${branch(relay)}scenario "s" in b {
  cloud silent
  desk1 calls 944000001
  desk2 calls 944000002 at 1s
  desk3 calls 944000003 at 2s
  desk3 calls 944000004 at 20s
}
`);

  it('the first two calls take both channels', () => {
    expect(ofCall(r.trace, 0)).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE',
      '500 edge>cloud INVITE', '1500 edge>cloud INVITE', '3500 edge>cloud INVITE', '7500 edge>cloud INVITE',
      '10000 edge>desk1 181', '10000 edge>pstn INVITE', '10000 pstn>edge 100', '10000 pstn>edge 180', '10000 edge>desk1 180',
      '12000 pstn>edge 200', '12000 edge>desk1 200', '12000 desk1>edge ACK', '12000 edge>pstn ACK',
      '17000 desk1>edge BYE', '17000 edge>pstn BYE', '17000 pstn>edge 200', '17000 edge>desk1 200',
    ]);
    expect(r.calls[1]).toMatchObject({ finals: [{ code: 200, atMs: 13000 }], path: ['desk2', 'edge', 'cloud', 'pstn'] });
  });

  it('the third is refused by the edge, which counts both channels in use: its own 503, nothing sent to the gateway', () => {
    expect(causes(r.trace, (t) => t.call === 2 && t.atMs === 12000)).toEqual([
      '12000 edge>desk3 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '12000 edge>desk3 503 | fr_timer fired on cloud (no reply at all); survival (pstn full: 2 channels in use): no gateway left, 503',
      '12000 desk3>edge ACK | ACK for 503',
    ]);
    expect(r.calls[2]).toMatchObject({ finalCode: 503, answered: false, path: ['desk3', 'edge', 'cloud'] });
    const refused = r.trace.find((t) => t.call === 2 && t.to === 'desk3' && t.status === 503);
    expect(refused && startLine(refused.message)).toBe('SIP/2.0 503 No Gateway Available');
  });

  it('a BYE frees the channel: the call at 20 s gets through at 30 s', () => {
    expect(r.calls[3]).toMatchObject({ startMs: 20000, finals: [{ code: 200, atMs: 32000 }], path: ['desk3', 'edge', 'cloud', 'pstn'] });
  });

  it('an inbound PSTN call holds a channel too: with both busy, the PSTN cannot place it', () => {
    const busy = simulateText(`${branch(relay)}scenario "s" in b {
  cloud silent
  desk1 calls 944000001
  desk2 calls 944000002
  pstn calls 944000101 at 13s
}
`);
    expect(busy.notes).toEqual(['pstn: no free channel for the call at 13s: not placed']);
    expect(busy.calls[2]).toMatchObject({ caller: 'pstn', finals: [], finalCode: undefined, path: ['pstn'] });
    expect(busy.trace.some((t) => t.call === 2)).toBe(false);
  });
});

describe('simulate: an emergency call during the outage (examples/critical-branch.surv)', () => {
  it('112 goes straight to the PRI: no upstream, no waiting, answered at 1 s', () => {
    const { branch: b, scenario } = scenarioOf('examples/critical-branch.surv', 'emergency call during the outage');
    const r = simulate(b, scenario);
    expect(causes(r.trace)).toEqual([
      '0 ward-b>edge INVITE | scenario: call placed',
      '0 edge>ward-b 100 | tm: auto 100 Trying',
      '0 edge>isdn30 INVITE | emergency 112: direct to isdn30',
      '500 edge>isdn30 INVITE | Timer A retransmission 1',
      '1000 isdn30>edge 200 | isdn30 answers 200',
      '1000 edge>ward-b 200 | 200 from isdn30 relayed',
      '1000 ward-b>edge ACK | ACK for 200',
      '1000 edge>isdn30 ACK | ACK routed (Record-Route)',
      '6000 ward-b>edge BYE | caller hangs up',
      '6000 edge>isdn30 BYE | BYE routed (Record-Route)',
      '6000 isdn30>edge 200 | BYE answered',
      '6000 edge>ward-b 200 | 200 to BYE relayed',
    ]);
    // Not rewritten, but addressed to the gateway (as a relay is), never to the PBX's domain.
    expect(r.trace[2]!.text.startsWith('INVITE sip:112@10.40.0.3 SIP/2.0\r\n')).toBe(true);
    expect(r.calls[0]).toMatchObject({ postDialDelayMs: 1000, finalCode: 200, path: ['ward-b', 'edge', 'isdn30'] });
  });
});

describe('simulate: probing marks the upstream down, then up after the hold-off', () => {
  const r = simulateText(`${branch(redirect, 'upstream cloud { proxy sip:pbx.example.com:5060  probe options every 5s timeout 2s down after 2 up after 3 holdoff 30s }', 'no-answer 5s  ringing 60s  budget 40s')}scenario "s" in b {
  cloud silent until 20s
  desk1 calls 944000000 at 15s
  desk1 calls 944000001 at 50s
}
`);

  it('probes: two timeouts mark it down at 12 s; answers from 20 s; up on the first success after the 30 s hold-off (45 s)', () => {
    expect(ofCall(r.trace, -1)).toEqual([
      '5000 edge>cloud OPTIONS', '5500 edge>cloud OPTIONS', '6500 edge>cloud OPTIONS',
      '10000 edge>cloud OPTIONS', '10500 edge>cloud OPTIONS', '11500 edge>cloud OPTIONS',
      '15000 edge>cloud OPTIONS', '15500 edge>cloud OPTIONS', '16500 edge>cloud OPTIONS',
      '20000 edge>cloud OPTIONS', '20000 cloud>edge 200', '25000 edge>cloud OPTIONS', '25000 cloud>edge 200',
      '30000 edge>cloud OPTIONS', '30000 cloud>edge 200', '35000 edge>cloud OPTIONS', '35000 cloud>edge 200',
      '40000 edge>cloud OPTIONS', '40000 cloud>edge 200', '45000 edge>cloud OPTIONS', '45000 cloud>edge 200',
      '50000 edge>cloud OPTIONS', '50000 cloud>edge 200', '55000 edge>cloud OPTIONS', '55000 cloud>edge 200',
    ]);
    expect(r.marks).toEqual([
      { atMs: 12000, actor: 'cloud', event: 'marked-down', cause: 'probe timed out: 2 failed probes in a row' },
      { atMs: 45000, actor: 'cloud', event: 'marked-up', cause: 'probe answered 200: 6 successful probes, holdoff 30s over' },
    ]);
  });

  it('the call at 15 s (cloud marked down) goes straight to survival: post-dial delay 0', () => {
    expect(causes(r.trace, (t) => t.call === 0 && t.atMs === 15000 && t.from === 'edge' && t.to === 'desk1' && t.summary !== '100')).toEqual([
      '15000 edge>desk1 181 | cloud marked down; survival: announce',
      '15000 edge>desk1 302 | cloud marked down; survival: redirect',
      '15000 edge>desk1 180 | 180 from pstn relayed',
    ]);
    expect(r.calls[0]).toMatchObject({ postDialDelayMs: 0, finals: [{ code: 302, atMs: 15000 }, { code: 200, atMs: 17000 }], path: ['desk1', 'edge', 'pstn'] });
    expect(r.trace.some((t) => t.call === 0 && t.to === 'cloud')).toBe(false);
  });

  it('the call at 50 s (marked up again) goes upstream', () => {
    expect(ofCall(r.trace, 1)).toEqual([
      '50000 desk1>edge INVITE', '50000 edge>desk1 100', '50000 edge>cloud INVITE', '50000 cloud>edge 100', '50000 cloud>edge 180', '50000 edge>desk1 180',
      '52000 cloud>edge 200', '52000 edge>desk1 200', '52000 desk1>edge ACK', '52000 edge>cloud ACK',
      '57000 desk1>edge BYE', '57000 edge>cloud BYE', '57000 cloud>edge 200', '57000 edge>desk1 200',
    ]);
  });
});
