// REGISTER through the edge: forwarded with Path, relayed back; a local copy answers
// when the upstream gives no reply at all; registered phones are reached through it.
import { describe, expect, it } from 'vitest';
import { parse } from '../../../engines/simulate/sip.js';
import { startLine } from '../../../engines/simulate/message.js';
import { causes, lines, simulateText } from './helpers.js';

const text = (body: string, register = 'register { forward cloud with path  keep local copy }', upstream = 'upstream cloud { proxy sip:pbx.example.com:5060 }') => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  ${upstream}
  timers { no-answer 10s  ringing 30s  budget 40s }
  phone desk1 101 at 10.1.0.11
  phone dect 120 registered
  ${register}
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
  }
  inbound from pstn { ring dect for 20s then ring desk1 }
}
scenario "s" in b {
${body}
}
`;

describe('simulate: registrations', () => {
  it('forwarded with Path and Supported: path; the registrar\'s 200 (Contact, Path) is relayed', () => {
    const r = simulateText(text('  desk1 registers at 1s', 'register { forward cloud with path }'));
    expect(causes(r.trace)).toEqual([
      '1000 desk1>edge REGISTER | scenario: phone registers',
      '1000 edge>cloud REGISTER | register: forward to cloud with Path',
      '1000 cloud>edge 200 | cloud up: registered',
      '1000 edge>desk1 200 | 200 from cloud relayed',
    ]);
    const [fromPhone, up, ok, relayed] = r.trace;
    expect(fromPhone!.text).toBe([
      'REGISTER sip:pbx.example.com SIP/2.0',
      'Via: SIP/2.0/UDP 10.1.0.11:5060;branch=z9hG4bKph2;rport',
      'Max-Forwards: 70',
      'From: "desk1" <sip:101@pbx.example.com>;tag=t3',
      'To: <sip:101@pbx.example.com>',
      'Call-ID: r1@10.1.0.11',
      'CSeq: 1 REGISTER',
      'Contact: <sip:101@10.1.0.11>',
      'Expires: 3600',
      'Content-Length: 0',
      '', '',
    ].join('\r\n'));
    const forwarded = parse(up!.text);
    expect(forwarded.headers.via.map((v) => v.host)).toEqual(['10.1.0.1', '10.1.0.11']);
    expect(forwarded.headers['max-forwards']).toBe('69');
    expect(up!.text).toContain('Path: <sip:10.1.0.1;lr>\r\nSupported: path\r\n');
    expect(ok!.text).toContain('Contact: <sip:101@10.1.0.11>;expires=3600\r\nPath: <sip:10.1.0.1;lr>\r\n');
    expect(parse(relayed!.text).headers.via.map((v) => v.host)).toEqual(['10.1.0.11']);
    expect(r.registrations).toEqual([{ phone: 'desk1', atMs: 1000, code: 200, via: 'upstream' }]);
  });

  it('without `with path` the REGISTER goes up without Path', () => {
    const r = simulateText(text('  desk1 registers', 'register { forward cloud }'));
    expect(r.trace[1]!.text).not.toContain('Path:');
    expect(r.trace[2]!.text).not.toContain('Path:');
  });

  it('upstream silent, keep local copy: retransmitted at T1..., then 200 from the local copy at fr_timer', () => {
    const r = simulateText(text('  cloud silent\n  dect registers'));
    expect(causes(r.trace)).toEqual([
      '0 dect>edge REGISTER | scenario: phone registers',
      '0 edge>cloud REGISTER | register: forward to cloud with Path',
      '500 dect>edge REGISTER | Timer E retransmission 1',
      '500 edge>cloud REGISTER | Timer E retransmission 1',
      '1500 dect>edge REGISTER | Timer E retransmission 2',
      '1500 edge>cloud REGISTER | Timer E retransmission 2',
      '3500 dect>edge REGISTER | Timer E retransmission 3',
      '3500 edge>cloud REGISTER | Timer E retransmission 3',
      '7500 dect>edge REGISTER | Timer E retransmission 4',
      '7500 edge>cloud REGISTER | Timer E retransmission 4',
      '10000 edge>dect 200 | fr_timer fired on cloud (no reply at all): 200 from the local copy (keep local copy)',
    ]);
    expect(r.trace[10]!.text).toContain('Contact: <sip:120@dect.invalid>;expires=3600\r\n');
    expect(parse(r.trace[10]!.text).headers.to.params.tag).toMatch(/^k\d+$/);
    expect(r.registrations).toEqual([{ phone: 'dect', atMs: 0, code: 200, via: 'local-copy' }]);
  });

  it('upstream silent without a local copy: tm\'s 408 at fr_timer, the registration is lost', () => {
    const r = simulateText(text('  cloud silent\n  desk1 registers', 'register { forward cloud with path }'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.to === 'desk1')).toEqual([
      '10000 edge>desk1 408 | fr_timer fired on cloud (no reply at all): 408',
    ]);
    expect(r.registrations).toEqual([{ phone: 'desk1', atMs: 0, code: 408, via: 'none' }]);
  });

  it('a final reply from the upstream passes through, local copy or not (403 as is, 503 as tm\'s 500)', () => {
    expect(simulateText(text('  cloud answers 403\n  desk1 registers')).registrations).toEqual([{ phone: 'desk1', atMs: 0, code: 403, via: 'upstream' }]);
    const r = simulateText(text('  cloud answers 503 after 2s\n  desk1 registers'));
    expect(causes(r.trace, (t) => t.status !== undefined)).toEqual(['2000 cloud>edge 503 | cloud answers 503', '2000 edge>desk1 500 | 503 from cloud: tm remap_503_500']);
    expect(r.registrations).toEqual([{ phone: 'desk1', atMs: 0, code: 500, via: 'upstream' }]);
    expect(r.trace.filter((t) => t.to === 'desk1').map((t) => startLine(t.message))).toEqual(['SIP/2.0 500 Service Unavailable']);
  });

  it('a 100 and then nothing still falls back on the local copy (the registrar never took it)', () => {
    const r = simulateText(text('  cloud trying\n  desk1 registers'));
    // After the 100, tm resends every T2 (4 s) instead of doubling.
    expect(lines(r.trace, (t) => t.from === 'edge')).toEqual([
      '0 edge>cloud REGISTER', '4000 edge>cloud REGISTER', '8000 edge>cloud REGISTER', '10000 edge>desk1 200',
    ]);
    expect(lines(r.trace, (t) => t.from === 'cloud')).toEqual(['0 cloud>edge 100', '4000 cloud>edge 100', '8000 cloud>edge 100']);
    expect(r.registrations).toEqual([{ phone: 'desk1', atMs: 0, code: 200, via: 'local-copy' }]);
  });

  it('over TCP to an upstream that is down: refused at once, 200 from the local copy at 0 ms', () => {
    // The edge needs a TCP listen to reach a TCP upstream (check refuses it otherwise).
    const r = simulateText(text('  cloud down\n  desk1 registers', undefined, 'upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp }')
      .replace('edge listen udp 10.1.0.1:5060', 'edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5060'));
    expect(causes(r.trace)).toEqual([
      '0 desk1>edge REGISTER | scenario: phone registers',
      '0 edge>cloud REGISTER LOST | register: forward to cloud with Path; not delivered: cloud refused the TCP connection',
      '0 edge>desk1 200 | t_relay to cloud failed (TCP connection refused): 200 from the local copy (keep local copy)',
    ]);
    expect(r.trace[1]!.text).toContain('Path: <sip:10.1.0.1;transport=tcp;lr>\r\n');
  });

  it('an inbound call reaches a registered phone through its local registration', () => {
    const r = simulateText(text('  cloud silent\n  dect registers\n  pstn calls 944000120 at 15s'));
    expect(lines(r.trace, (t) => t.call === 0 && t.atMs <= 17000)).toEqual([
      '15000 pstn>edge INVITE', '15000 edge>pstn 100', '15000 edge>dect INVITE', '15000 dect>edge 180', '15000 edge>pstn 180',
      '17000 dect>edge 200', '17000 edge>pstn 200', '17000 pstn>edge ACK', '17000 edge>dect ACK',
    ]);
    expect(r.trace.find((t) => t.to === 'dect' && t.summary === 'INVITE')!.text.startsWith('INVITE sip:120@dect.invalid SIP/2.0\r\n')).toBe(true);
    expect(r.calls[0]).toMatchObject({ finalCode: 200, path: ['pstn', 'edge', 'dect'] });
  });

  it('without a registration a registered phone is skipped: the next step rings; with none left, 480', () => {
    const r = simulateText(text('  desk1 no-answer\n  pstn calls 944000120'));
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary !== '100' && t.summary !== 'ACK')).toEqual([
      '0 edge>desk1 INVITE | inbound from pstn: dect not registered, skipped: ring desk1 for 20s',
      '0 edge>pstn 180 | 180 from desk1 relayed',
      '20000 edge>pstn 480 | fr_inv_timer fired on desk1: no step left',
      '20000 edge>desk1 CANCEL | fr_inv_timer fired on desk1: CANCEL',
    ]);
    const alone = simulateText(text('  pstn calls 944000120', 'register { forward cloud }').replace('ring dect for 20s then ring desk1', 'ring dect'));
    expect(causes(alone.trace, (t) => t.from === 'edge')).toEqual([
      '0 edge>pstn 480 | inbound from pstn: dect not registered, skipped: no step left',
    ]);
  });

  it('only a binding the upstream confirmed is kept: after a 403 the registered phone stays unreachable', () => {
    const r = simulateText(text('  cloud answers 403\n  dect registers\n  pstn calls 944000120 at 5s').replace('ring dect for 20s then ring desk1', 'ring dect'));
    expect(r.registrations).toEqual([{ phone: 'dect', atMs: 0, code: 403, via: 'upstream' }]);
    expect(r.calls[0]).toMatchObject({ finalCode: 480, path: ['pstn', 'edge'] });
  });

  it('an upstream marked down by probing: the local copy answers at once, nothing goes up', () => {
    const probed = text('  cloud silent\n  desk1 registers at 13s', undefined, 'upstream cloud { proxy sip:pbx.example.com:5060  probe options every 5s timeout 2s down after 2 up after 3 }');
    const r = simulateText(probed);
    expect(r.marks.map((m) => `${m.atMs} ${m.event}`)).toEqual(['12000 marked-down']);
    expect(causes(r.trace, (t) => t.method === 'REGISTER')).toEqual([
      '13000 desk1>edge REGISTER | scenario: phone registers',
      '13000 edge>desk1 200 | cloud marked down: 200 from the local copy (keep local copy)',
    ]);
    expect(r.registrations).toEqual([{ phone: 'desk1', atMs: 13000, code: 200, via: 'local-copy' }]);
  });

  it('a registration without `keep local copy` leaves no local binding: the phone stays unreachable', () => {
    const r = simulateText(text('  dect registers\n  pstn calls 944000120 at 5s', 'register { forward cloud with path }').replace('ring dect for 20s then ring desk1', 'ring dect'));
    expect(r.registrations).toEqual([{ phone: 'dect', atMs: 0, code: 200, via: 'upstream' }]);
    expect(r.calls[0]).toMatchObject({ finalCode: 480, path: ['pstn', 'edge'] });
  });

  it('limits { max-expires }: the local copy answers with the capped expires and forgets the binding when it runs out', () => {
    const capped = 'register { forward cloud with path  keep local copy }\n  limits { max-expires 1m }';
    const r = simulateText(text('  cloud silent\n  dect registers\n  pstn calls 944000120 at 30s\n  pstn calls 944000121 at 70s', capped).replace('ring dect for 20s then ring desk1', 'ring dect'));
    expect(r.trace.find((t) => t.to === 'dect' && t.summary === '200')!.text).toContain('Contact: <sip:120@dect.invalid>;expires=60\r\n');
    expect(r.registrations).toEqual([{ phone: 'dect', atMs: 0, code: 200, via: 'local-copy' }]);
    // Saved at 10 s (the fr_timer), kept 60 s: rung at 30 s, gone at 70 s.
    expect(r.calls.map((c) => [c.startMs, c.finalCode])).toEqual([[30000, 200], [70000, 480]]);
  });
});
