// TCP and TLS hops: no retransmissions (fr_timer still applies), Via and Record-Route
// name the transport, and a `down` node refuses the connection, which tm learns at once.
import { describe, expect, it } from 'vitest';
import { parse } from '../../../engines/simulate/sip.js';
import { causes, lines, simulateText } from './helpers.js';

const text = (body: string, gateway = 'gateway pstn { address 10.10.1.3  kind bri  channels 2 }') => `branch b {
  edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5070
  lan 10.1.0.0/24
  ${gateway}
  upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp }
  upstream backup { proxy sip:pbx2.example.com:5060  transport tcp }
  timers { no-answer 10s  ringing 30s  budget 40s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud, backup {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112
  }
}
scenario "s" in b {
${body}
}
`;

describe('simulate: TCP upstreams', () => {
  it('silent over TCP: one INVITE each, no retransmission; failover at fr_timer, survival at the sum', () => {
    const r = simulateText(text('  cloud silent\n  backup silent\n  desk1 calls 944000000'), undefined, { followRedirect: false });
    expect(causes(r.trace)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>cloud INVITE | outbound via cloud',
      '10000 edge>backup INVITE | fr_timer fired on cloud (no reply at all): serial failover to backup',
      '20000 edge>desk1 181 | fr_timer fired on backup (no reply at all); survival: announce',
      '20000 edge>desk1 302 | fr_timer fired on backup (no reply at all); survival: redirect',
      '20000 desk1>edge ACK | ACK for 302',
    ]);
  });

  it('down over TCP (connection refused): t_relay fails at once, so failover and survival come at 0 ms', () => {
    const r = simulateText(text('  cloud down\n  backup down\n  desk1 calls 944000000'), undefined, { followRedirect: false });
    expect(causes(r.trace)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>cloud INVITE LOST | outbound via cloud; not delivered: cloud refused the TCP connection',
      '0 edge>backup INVITE LOST | t_relay to cloud failed (TCP connection refused): serial failover to backup; not delivered: backup refused the TCP connection',
      '0 edge>desk1 181 | t_relay to backup failed (TCP connection refused); survival: announce',
      '0 edge>desk1 302 | t_relay to backup failed (TCP connection refused); survival: redirect',
      '0 desk1>edge ACK | ACK for 302',
    ]);
    expect(r.calls[0]).toMatchObject({ postDialDelayMs: 0, path: ['desk1', 'edge'] });
    const redirect = r.trace.find((t) => t.status === 302)!;
    expect(redirect.text).toContain('Contact: <sip:944000000@10.10.1.3>\r\n');
  });

  it('the TCP leg: Via SIP/2.0/TCP from the TCP listen port, two Record-Routes (enable_double_rr)', () => {
    const r = simulateText(text('  desk1 calls 944000000'));
    const invite = r.trace.find((t) => t.to === 'cloud' && t.summary === 'INVITE')!;
    expect(invite.text).toContain('Via: SIP/2.0/TCP 10.1.0.1:5070;branch=');
    expect(invite.text).toContain('Via: SIP/2.0/UDP 10.1.0.11:5060;branch=z9hG4bKph3;rport\r\n');
    expect(invite.text).toContain('Record-Route: <sip:10.1.0.1:5070;transport=tcp;r2=on;lr>, <sip:10.1.0.1;r2=on;lr>\r\n');
    // The phone's route set is the Record-Route reversed: its own side first.
    const ack = r.trace.find((t) => t.from === 'desk1' && t.summary === 'ACK')!;
    expect(ack.text).toContain('Route: <sip:10.1.0.1;r2=on;lr>, <sip:10.1.0.1:5070;transport=tcp;r2=on;lr>\r\n');
    expect(parse(r.trace.find((t) => t.to === 'cloud' && t.summary === 'ACK')!.text).headers.via[0]!.protocol).toBe('TCP');
    expect(lines(r.trace, (t) => t.call === 0 && (t.to === 'cloud' || t.from === 'cloud'))).toEqual([
      '0 edge>cloud INVITE', '0 cloud>edge 100', '0 cloud>edge 180', '2000 cloud>edge 200', '2000 edge>cloud ACK',
      '7000 edge>cloud BYE', '7000 cloud>edge 200',
    ]);
  });

  it('a 100 then nothing over TCP: failover to the next upstream at trying (default: no-answer); the CANCEL is sent once (no retransmission)', () => {
    const r = simulateText(text('  cloud trying\n  desk1 calls 944000000'));
    expect(lines(r.trace, (t) => t.from === 'edge').slice(0, 4)).toEqual(['0 edge>desk1 100', '0 edge>cloud INVITE', '10000 edge>backup INVITE', '10000 edge>cloud CANCEL']);
    expect(r.trace.filter((t) => t.summary === 'CANCEL')).toHaveLength(1);
  });

  it('a gateway down over TCP: an emergency call fails at once, and with no gateway left gets the edge\'s 503', () => {
    const gw = 'gateway pstn { address 10.10.1.3  transport tcp  kind bri  channels 2 }';
    const body = '  cloud down\n  backup down\n  pstn down\n  desk1 calls 112';
    const r = simulateText(text(body, gw));
    expect(causes(r.trace)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>pstn INVITE LOST | emergency 112: direct to pstn; not delivered: pstn refused the TCP connection',
      '0 edge>desk1 503 | t_relay to pstn failed (TCP connection refused): no gateway left, 503',
      '0 desk1>edge ACK | ACK for 503',
    ]);
  });

  it('the survival relay to a gateway that refuses: the next of the list, and with none left the edge\'s 503', () => {
    const gw = 'gateway pstn { address 10.10.1.3  transport tcp  kind bri  channels 2 }';
    const relayed = text('  cloud down\n  backup down\n  pstn down\n  desk1 calls 944000000', gw).replace('redirect 302 to pstn', 'relay to pstn');
    const r = simulateText(relayed);
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary !== '100')).toEqual([
      '0 edge>cloud INVITE LOST | outbound via cloud; not delivered: cloud refused the TCP connection',
      '0 edge>backup INVITE LOST | t_relay to cloud failed (TCP connection refused): serial failover to backup; not delivered: backup refused the TCP connection',
      '0 edge>desk1 181 | t_relay to backup failed (TCP connection refused); survival: announce',
      '0 edge>pstn INVITE LOST | t_relay to backup failed (TCP connection refused); survival: relay to pstn; not delivered: pstn refused the TCP connection',
      '0 edge>desk1 503 | t_relay to pstn failed (TCP connection refused): no gateway left, 503',
    ]);
  });

  it('probing a TCP upstream that refuses: each probe fails at once, no retransmission; marked down on the second', () => {
    const probed = `branch p {
  edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp  probe options every 5s timeout 2s down after 2 up after 1 }
  timers { no-answer 5s  ringing 60s  budget 40s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
scenario "s" in p {
  cloud down until 12s
  desk1 calls 944000000 at 11s
}
`;
    const r = simulateText(probed);
    expect(causes(r.trace, (t) => t.summary === 'OPTIONS' || t.method === 'OPTIONS')).toEqual([
      '5000 edge>cloud OPTIONS LOST | probe cloud; not delivered: cloud refused the TCP connection',
      '10000 edge>cloud OPTIONS LOST | probe cloud; not delivered: cloud refused the TCP connection',
      '15000 edge>cloud OPTIONS | probe cloud',
      '15000 cloud>edge 200 | cloud up: answers OPTIONS',
    ]);
    expect(r.marks.map((m) => `${m.atMs} ${m.event}: ${m.cause}`)).toEqual([
      '10000 marked-down: probe refused (TCP connection): 2 failed probes in a row',
      '15000 marked-up: probe answered 200: 1 successful probes',
    ]);
    expect(r.calls[0]).toMatchObject({ postDialDelayMs: 0, finals: [{ code: 302, atMs: 11000 }, { code: 200, atMs: 13000 }] });
  });
});
