// Local calls in the simulator: a LAN phone's call to a number of the branch is rung by
// the edge itself once survival starts (`survival`), at once (`always`), or goes to the
// gateway like any number (`off`). Exact messages, times and causes.
import { describe, expect, it } from 'vitest';
import { causes, lines, simulateText } from './helpers.js';

const text = (body: string, outbound = '', extra = '') => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:10.2.0.1:5060 }
  timers { no-answer 2s  ringing 30s }
  phone desk1 101 at 10.1.0.11
  phone desk2 102 at 10.1.0.12
  phone desk3 103 at 10.1.0.13
  phone dect 120 registered
  group front 200 parallel [desk2, desk3] ring 5s
  group hunt 300 serial [desk2, desk3] ring 4s
  register { forward cloud with path  keep local copy }
  ${extra}
  outbound from lan via cloud {
    ${outbound}
    on timeout { announce 181 "Survival"  relay to pstn }
    emergency 112
  }
}
scenario "s" in b {
${body}
}
`;

/** The edge's messages of call 0, provisional 100s and ACKs left out. */
const fromEdge = (r: ReturnType<typeof simulateText>, untilMs = Infinity) =>
  causes(r.trace, (t) => t.call === 0 && t.from === 'edge' && t.summary !== '100' && t.summary !== 'ACK' && t.atMs <= untilMs);

describe('local-calls survival (the default)', () => {
  it('upstream silent: the announcement, then the edge rings the phone of the extension; never the gateway', () => {
    const r = simulateText(text('  cloud silent\n  desk2 answers after 1s\n  desk1 calls 102'));
    expect(lines(r.trace, (t) => t.call === 0 && t.atMs <= 3000)).toEqual([
      '0 desk1>edge INVITE', '0 edge>desk1 100', '0 edge>cloud INVITE', '500 edge>cloud INVITE', '1500 edge>cloud INVITE',
      '2000 edge>desk1 181', '2000 edge>desk2 INVITE', '2000 desk2>edge 180', '2000 edge>desk1 180',
      '3000 desk2>edge 200', '3000 edge>desk1 200', '3000 desk1>edge ACK', '3000 edge>desk2 ACK',
    ]);
    expect(causes(r.trace, (t) => t.to === 'desk2' && t.summary === 'INVITE')).toEqual([
      '2000 edge>desk2 INVITE | fr_timer fired on cloud (no reply at all); survival: local call to 102: phone desk2: ring desk2 for 20s',
    ]);
    expect(r.trace.find((t) => t.to === 'desk2' && t.summary === 'INVITE')!.text.startsWith('INVITE sip:102@10.1.0.12 SIP/2.0\r\n')).toBe(true);
    expect(r.calls[0]).toMatchObject({ finalCode: 200, path: ['desk1', 'edge', 'cloud', 'desk2'] });
    expect(r.trace.some((t) => t.to === 'pstn')).toBe(false);
  });

  it('the upstream up: the call goes upstream as before (the PBX rings the phone)', () => {
    const r = simulateText(text('  desk1 calls 102'));
    expect(lines(r.trace, (t) => t.call === 0 && t.from === 'edge').slice(0, 2)).toEqual(['0 edge>desk1 100', '0 edge>cloud INVITE']);
    expect(r.trace.some((t) => t.to === 'desk2' || t.to === 'pstn')).toBe(false);
  });

  it('a group number: a parallel group rings together, the first to answer wins, the other is cancelled', () => {
    const r = simulateText(text('  cloud silent\n  desk2 no-answer\n  desk3 answers after 1s\n  desk1 calls 200'));
    expect(fromEdge(r, 3000)).toEqual([
      '0 edge>cloud INVITE | outbound via cloud',
      '500 edge>cloud INVITE | Timer A retransmission 1',
      '1500 edge>cloud INVITE | Timer A retransmission 2',
      '2000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '2000 edge>desk2 INVITE | fr_timer fired on cloud (no reply at all); survival: local call to 200: group front: ring front for 5s',
      '2000 edge>desk3 INVITE | fr_timer fired on cloud (no reply at all); survival: local call to 200: group front: ring front for 5s',
      '2000 edge>desk1 180 | 180 from desk2 relayed',
      '2000 edge>desk1 180 | 180 from desk3 relayed',
      '3000 edge>desk1 200 | 200 from desk3 relayed',
      '3000 edge>desk2 CANCEL | desk3 answered: CANCEL desk2',
    ]);
  });

  it('a serial group rings one member after another, each for the group\'s time', () => {
    const r = simulateText(text('  cloud silent\n  desk2 no-answer\n  desk3 answers after 1s\n  desk1 calls 300'));
    expect(fromEdge(r, 7000).filter((l) => !l.includes(' edge>cloud '))).toEqual([
      '2000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '2000 edge>desk2 INVITE | fr_timer fired on cloud (no reply at all); survival: local call to 300: group hunt: ring desk2 for 4s',
      '2000 edge>desk1 180 | 180 from desk2 relayed',
      '6000 edge>desk3 INVITE | fr_inv_timer fired on desk2: ring desk3 for 4s',
      '6000 edge>desk2 CANCEL | fr_inv_timer fired on desk2: CANCEL',
      '6000 edge>desk1 180 | 180 from desk3 relayed',
      '7000 edge>desk1 200 | 200 from desk3 relayed',
    ]);
  });

  it('a registered phone is reached through the local copy of registrations (lookup("location"))', () => {
    const r = simulateText(text('  cloud silent\n  dect registers\n  desk1 calls 120 at 5s'));
    expect(causes(r.trace, (t) => t.to === 'dect' && t.summary === 'INVITE')).toEqual([
      '7000 edge>dect INVITE | fr_timer fired on cloud (no reply at all); survival: local call to 120: phone dect: ring dect for 20s',
    ]);
    expect(r.trace.find((t) => t.to === 'dect' && t.summary === 'INVITE')!.text.startsWith('INVITE sip:120@dect.invalid SIP/2.0\r\n')).toBe(true);
    expect(r.calls.find((c) => c.target === '120')).toMatchObject({ finalCode: 200, path: ['desk1', 'edge', 'cloud', 'dect'] });
  });

  it('nobody reachable (a registered phone without a registration): 480, never the gateway', () => {
    const r = simulateText(text('  cloud silent\n  desk1 calls 120'));
    expect(fromEdge(r).slice(3)).toEqual([
      '2000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '2000 edge>desk1 480 | fr_timer fired on cloud (no reply at all); survival: local call to 120: phone dect: dect not registered, skipped: no step left',
    ]);
  });

  it('a busy phone: its 486 reaches the caller', () => {
    const r = simulateText(text('  cloud silent\n  desk2 busy\n  desk1 calls 102'));
    expect(fromEdge(r).at(-1)).toBe('2000 edge>desk1 486 | 486 from desk2: no step left');
  });

  it('a final reply the pass list does not let through starts survival too: the local ring', () => {
    const r = simulateText(text('  cloud answers 503\n  desk2 answers after 1s\n  desk1 calls 102', 'pass 4xx'));
    expect(causes(r.trace, (t) => t.to === 'desk2' && t.summary === 'INVITE')).toEqual([
      '0 edge>desk2 INVITE | 503 from cloud not in pass list; survival: local call to 102: phone desk2: ring desk2 for 20s',
    ]);
  });

  it('an emergency number keeps precedence: straight to the gateway', () => {
    const r = simulateText(text('  desk1 calls 112'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE')).toEqual(['0 edge>pstn INVITE | emergency 112: direct to pstn']);
  });
});

describe('a group number from the PSTN', () => {
  it('a gateway\'s call to a group\'s number rings the group, like a phone\'s extension', () => {
    const r = simulateText(text('  desk3 answers after 1s\n  pstn calls 200', '', 'inbound from pstn { ring desk1 }'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE')).toEqual([
      '0 edge>desk2 INVITE | inbound from pstn: ring front for 5s',
      '0 edge>desk3 INVITE | inbound from pstn: ring front for 5s',
    ]);
  });
});

describe('local-calls always and off', () => {
  it('always: the edge rings the phone at once; the upstream never sees the call', () => {
    const r = simulateText(text('  desk2 answers after 1s\n  desk1 calls 102', 'local-calls always'));
    expect(causes(r.trace, (t) => t.call === 0 && t.atMs <= 1000)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>desk2 INVITE | local call to 102 (local-calls always): phone desk2: ring desk2 for 20s',
      '0 desk2>edge 180 | desk2 rings',
      '0 edge>desk1 180 | 180 from desk2 relayed',
      '1000 desk2>edge 200 | desk2 answers after 1s',
      '1000 edge>desk1 200 | 200 from desk2 relayed',
      '1000 desk1>edge ACK | ACK for 200',
      '1000 edge>desk2 ACK | ACK routed (Record-Route)',
    ]);
    expect(r.trace.some((t) => t.to === 'cloud')).toBe(false);
  });

  it('always: another number still goes upstream', () => {
    const r = simulateText(text('  desk1 calls 944000000', 'local-calls always'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE').slice(0, 1)).toEqual(['0 edge>cloud INVITE | outbound via cloud']);
  });

  it('off: today\'s behaviour, the call to an extension goes to the gateway in survival', () => {
    const r = simulateText(text('  cloud silent\n  desk1 calls 102', 'local-calls off'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE' && t.to !== 'cloud')).toEqual([
      '2000 edge>pstn INVITE | fr_timer fired on cloud (no reply at all); survival: relay to pstn',
    ]);
  });
});
