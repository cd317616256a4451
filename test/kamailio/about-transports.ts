// What each scenario of fixtures/replay/transports.surv is about, checked on Kamailio's
// side alone (replay.test.ts runs them): every message of the TCP phone crossed a TCP
// connection and every one of the UDP phone a datagram; one INVITE per call from the TCP
// phone (no retransmissions over TCP) while the edge still resends to the UDP upstream;
// the edge reaches till1 at the URI the export writes (`;transport=tcp`), and its
// double Record-Route brings in-dialog requests back over TCP.
import { expect } from 'vitest';
import type { ReplayResult } from '../../io/replay/index.js';
import { headerValues } from '../../io/replay/wire.js';

const of = (r: ReplayResult, phone: string) => r.wire.filter((w) => w.from === phone || w.to === phone);
const requestLine = (text: string) => text.slice(0, text.indexOf('\r\n'));

/** Every message of till1 over TCP, every one of desk1 over UDP. */
function transports(r: ReplayResult): void {
  expect(of(r, 'till1').length).toBeGreaterThan(0);
  expect(new Set(of(r, 'till1').map((w) => w.transport))).toEqual(new Set(['tcp']));
  expect(new Set(r.wire.filter((w) => !of(r, 'till1').includes(w)).map((w) => w.transport))).toEqual(new Set(['udp']));
}

const sent = (r: ReplayResult, from: string, to: string, summary: string) => r.wire.filter((w) => w.from === from && w.to === to && w.summary === summary);

export const transportsAbout: Record<string, (r: ReplayResult) => void> = {
  'till1 calls out over tcp: answered': (r) => {
    transports(r);
    expect(sent(r, 'till1', 'edge', 'INVITE')).toHaveLength(1);
    // tcp in, udp out: enable_double_rr puts one entry per side, the phone's with transport=tcp.
    const [invite] = sent(r, 'edge', 'cloud', 'INVITE');
    expect(headerValues(invite!.text, 'Record-Route').join(', ')).toMatch(/^<sip:127\.0\.23\.1;r2=on;lr[^>]*>, <sip:127\.0\.23\.1;transport=tcp;r2=on;lr[^>]*>$/);
    expect(sent(r, 'edge', 'till1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'till1 calls out over tcp, cloud silent: 302 to pstn': (r) => {
    transports(r);
    // The phone's INVITE and the one following the 302: one each. Upstream, UDP: resent at 0.5 s and 1.5 s.
    expect(sent(r, 'till1', 'edge', 'INVITE').map((w) => requestLine(w.text))).toEqual(['INVITE sip:944000002@127.0.23.2 SIP/2.0', 'INVITE sip:944000002@127.0.23.3 SIP/2.0']);
    expect(sent(r, 'edge', 'cloud', 'INVITE')).toHaveLength(3);
    expect(sent(r, 'edge', 'till1', '302')[0]!.contact).toBe('sip:944000002@127.0.23.3');
  },
  'pstn rings the shop: till1 answers over tcp': (r) => {
    transports(r);
    expect(sent(r, 'edge', 'till1', 'INVITE').map((w) => requestLine(w.text))).toEqual(['INVITE sip:101@127.0.23.10;transport=tcp SIP/2.0']);
    expect(sent(r, 'edge', 'desk1', 'INVITE').map((w) => requestLine(w.text))).toEqual(['INVITE sip:102@127.0.23.11 SIP/2.0']);
    expect(sent(r, 'edge', 'till1', 'BYE')).toHaveLength(1);
    expect(sent(r, 'edge', 'desk1', 'CANCEL')).toHaveLength(1);
  },
  'pstn rings the shop: desk1 answers, till1 cancelled over tcp': (r) => {
    transports(r);
    expect(sent(r, 'edge', 'till1', 'CANCEL').map((w) => w.transport)).toEqual(['tcp']);
    expect(sent(r, 'till1', 'edge', '487')).toHaveLength(1);
  },
};
