// Network loss with a seed: lost messages stay in the trace, flagged; retransmissions
// recover (or timers fire); the same seed gives the same run.
import { describe, expect, it } from 'vitest';
import { causes, lines, simulateText } from './helpers.js';

const branch = (upstream = 'upstream cloud { proxy sip:pbx.example.com:5060 }') => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  ${upstream}
  timers { no-answer 10s  ringing 30s  budget 40s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
  }
}
`;
const scenario = (body: string) => `${branch()}scenario "s" in b {\n${body}\n}\n`;

describe('simulate: network loss', () => {
  it('seed 286 loses the INVITE to the cloud; Timer A retransmission 1 gets through at 0.5 s', () => {
    const r = simulateText(scenario('  network loss 20%\n  seed 286\n  desk1 calls 944000000'));
    expect(causes(r.trace)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>cloud INVITE LOST | outbound via cloud; lost (network loss 20%)',
      '500 edge>cloud INVITE | Timer A retransmission 1',
      '500 cloud>edge 100 | cloud up: Trying',
      '500 cloud>edge 180 | cloud up: ringing',
      '500 edge>desk1 180 | 180 from cloud relayed',
      '2500 cloud>edge 200 | cloud up: answers',
      '2500 edge>desk1 200 | 200 from cloud relayed',
      '2500 desk1>edge ACK | ACK for 200',
      '2500 edge>cloud ACK | ACK routed (Record-Route)',
      '7500 desk1>edge BYE | caller hangs up',
      '7500 edge>cloud BYE | BYE routed (Record-Route)',
      '7500 cloud>edge 200 | BYE answered',
      '7500 edge>desk1 200 | 200 to BYE relayed',
    ]);
    expect(r.calls[0]).toMatchObject({ finalCode: 200, postDialDelayMs: 500, path: ['desk1', 'edge', 'cloud'] });
    expect(r.notes).toEqual([]);
  });

  it('a lost entry is flagged lost: true; the others have no lost key at all', () => {
    const r = simulateText(scenario('  network loss 20%\n  seed 286\n  desk1 calls 944000000'));
    const lost = r.trace.filter((t) => t.lost);
    expect(lost.map((t) => `${t.atMs} ${t.from}>${t.to} ${t.summary}`)).toEqual(['0 edge>cloud INVITE']);
    expect(JSON.parse(JSON.stringify(r.trace[2]))).toMatchObject({ lost: true, transaction: r.trace[3]!.transaction });
    expect(Object.keys(r.trace[3]!)).toEqual(['atMs', 'from', 'to', 'summary', 'method', 'status', 'text', 'transaction', 'call', 'cause', 'message']);
  });

  it('the phone\'s lost INVITE is resent by the phone (Timer A, 0.5 s), the edge takes it then', () => {
    const r = simulateText(scenario('  network loss 20%\n  seed 105\n  desk1 calls 944000000'));
    expect(causes(r.trace, (t) => t.atMs <= 500)).toEqual([
      '0 desk1>edge INVITE LOST | scenario: call placed; lost (network loss 20%)',
      '500 desk1>edge INVITE | Timer A retransmission 1',
      '500 edge>desk1 100 | tm: auto 100 Trying',
      '500 edge>cloud INVITE | outbound via cloud',
      '500 cloud>edge 100 | cloud up: Trying',
      '500 cloud>edge 180 | cloud up: ringing',
      '500 edge>desk1 180 | 180 from cloud relayed',
    ]);
    expect(r.calls[0]).toMatchObject({ finalCode: 200, finals: [{ code: 200, atMs: 2500 }] });
  });

  it('a lost ACK for 200: the cloud resends its 200 at +0.5 s, the edge relays it, the phone ACKs again', () => {
    const r = simulateText(scenario('  network loss 20%\n  seed 2\n  desk1 calls 944000000'));
    expect(causes(r.trace, (t) => t.atMs >= 2000 && t.atMs <= 2500)).toEqual([
      '2000 cloud>edge 200 | cloud up: answers',
      '2000 edge>desk1 200 | 200 from cloud relayed',
      '2000 desk1>edge ACK | ACK for 200',
      '2000 edge>cloud ACK LOST | ACK routed (Record-Route); lost (network loss 20%)',
      '2500 cloud>edge 200 | 200 retransmission (no ACK yet)',
      '2500 edge>desk1 200 | 200 from cloud relayed (again)',
      '2500 desk1>edge ACK | ACK for 200 (again)',
      '2500 edge>cloud ACK | ACK routed (Record-Route)',
    ]);
    // The retransmitted 200 is not a second answer.
    expect(r.calls[0]!.finals).toEqual([{ code: 200, atMs: 2000 }]);
    // The BYE and its 200 are lost several times; the phone's Timer E gets one through at 22.5 s.
    expect(causes(r.trace, (t) => t.method === 'BYE' && t.atMs >= 8500)).toEqual([
      '8500 desk1>edge BYE | Timer E retransmission 2',
      '8500 edge>desk1 200 LOST | BYE retransmission: 200 again; lost (network loss 20%)',
      '10500 desk1>edge BYE LOST | Timer E retransmission 3; lost (network loss 20%)',
      '14500 desk1>edge BYE LOST | Timer E retransmission 4; lost (network loss 20%)',
      '18500 desk1>edge BYE LOST | Timer E retransmission 5; lost (network loss 20%)',
      '22500 desk1>edge BYE | Timer E retransmission 6',
      '22500 edge>desk1 200 | BYE retransmission: 200 again',
    ]);
  });

  it('a lost 302: the edge resends it (no ACK yet) at +0.5 s; the phone follows it then', () => {
    const r = simulateText(scenario('  network loss 20%\n  seed 132\n  cloud silent\n  desk1 calls 944000000'));
    expect(causes(r.trace, (t) => t.atMs >= 10000 && t.atMs <= 10500 && t.summary !== '100' && t.summary !== '180')).toEqual([
      '10000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '10000 edge>desk1 302 LOST | fr_timer fired on cloud (no reply at all); survival: redirect; lost (network loss 20%)',
      '10500 edge>desk1 302 | 302 retransmission (no ACK yet)',
      '10500 desk1>edge ACK | ACK for 302',
      '10500 desk1>edge INVITE | follows 302 to sip:944000000@10.10.1.3',
      '10500 edge>pstn INVITE | target is the local gateway: relay',
    ]);
    expect(r.calls[0]).toMatchObject({ postDialDelayMs: 10000, finals: [{ code: 302, atMs: 10500 }, { code: 200, atMs: 12500 }] });
  });

  it('an expectation does not count what the network lost', () => {
    const r = simulateText(`${scenario('  network loss 20%\n  seed 132\n  cloud silent\n  desk1 calls 944000000\n  expect desk1 gets 302 at 10s')}`);
    expect(r.verdicts.map((v) => `${v.status}: ${v.message}`)).toEqual(['fail: desk1 got 302 at 10.5s, not 10s']);
  });

  it('same seed: byte-identical JSON; another seed: a different run', () => {
    const text = (seed: number) => scenario(`  network loss 30%\n  seed ${seed}\n  cloud silent\n  desk1 calls 944000000`);
    const a = JSON.stringify(simulateText(text(7)));
    expect(JSON.stringify(simulateText(text(7)))).toBe(a);
    expect(JSON.stringify(simulateText(text(8)))).not.toBe(a);
    const lostAt = (seed: number) => simulateText(text(seed)).trace.filter((t) => t.lost).map((t) => t.atMs);
    expect(lostAt(7)).not.toEqual(lostAt(8));
  });

  it('TCP hops lose nothing: only the UDP leg to the phone does', () => {
    // The edge needs a TCP listen to reach a TCP upstream (check refuses it otherwise).
    const tcp = `${branch('upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp }').replace('edge listen udp 10.1.0.1:5060', 'edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5060')}scenario "s" in b {\n  network loss 50%\n  seed 3\n  desk1 calls 944000000\n}\n`;
    const r = simulateText(tcp);
    expect(r.trace.some((t) => t.lost)).toBe(true);
    expect(r.trace.filter((t) => t.lost && (t.from === 'cloud' || t.to === 'cloud'))).toEqual([]);
    expect(lines(r.trace, (t) => t.to === 'cloud' && t.summary === 'INVITE')).toEqual(['0 edge>cloud INVITE']);
  });

  it('without loss nothing is lost and no draw changes the run (seed is irrelevant)', () => {
    const a = simulateText(scenario('  seed 1\n  cloud silent\n  desk1 calls 944000000'));
    const b = simulateText(scenario('  seed 99\n  cloud silent\n  desk1 calls 944000000'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.trace.some((t) => t.lost)).toBe(false);
  });
});
