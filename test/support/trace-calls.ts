// Two captured calls through a branch edge whose upstream is silent, for the editor
// tests of `surv/trace` (test/lsp/trace.test.ts, test/e2e/capture.test.ts): in the
// first the edge never diverts (it answers 408 when its timer fires: a violation of
// the design's `on timeout`), in the second it announces 181 and redirects with a 302
// to the gateway, and the phone follows it, as the design says (a pass). Written as a
// classic pcap (little-endian, microseconds, Ethernet, IPv4, UDP) by hand, so these tests
// do not depend on the capture writer the reader's own tests use; `traceHep` writes the
// same packets as HEP3 (test/support/hep-encode.ts).
import { concat, encodeHep3 } from './hep-encode.js';

/** The design the capture is judged against (addresses as in the capture). */
export const traceDesign = `# trace.surv: an edge whose upstream may be silent.
branch capture-edge {
  edge listen udp 127.0.2.1:5060
  lan 127.0.2.8/29
  gateway pstn { address 127.0.2.3:5060  kind bri  channels 2 }
  upstream cloud { proxy sip:127.0.2.2:5060 }
  timers { no-answer 2s  ringing 3s }
  phone desk1 101 at 127.0.2.10:5060
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated"  redirect 302 to pstn }
  }
}
`;

const desk = { address: '127.0.2.10', port: 5060 };
const edge = { address: '127.0.2.1', port: 5060 };
const cloud = { address: '127.0.2.2', port: 5060 };
const pstn = { address: '127.0.2.3', port: 5060 };

export interface Packet {
  readonly atMs: number;
  readonly src: { address: string; port: number };
  readonly dst: { address: string; port: number };
  readonly text: string;
}

function sip(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

type Peer = Packet['src'];

/**
 * One call from desk1 to `number`, the upstream silent. `diverted`: at 2 s the edge
 * announces 181 and redirects with a 302 to the gateway, and the phone follows it there
 * (pstn rings, answers at 4 s, desk1 hangs up at 9 s), as the design's simulation does;
 * otherwise the edge answers 408 at 2 s.
 */
function call(n: number, startMs: number, number: string, diverted: boolean): Packet[] {
  const callId = `call-${n}@127.0.2.10`;
  const from = `From: <sip:101@127.0.2.1>;tag=desk-${n}`;
  const to = `To: <sip:${number}@127.0.2.1>`;
  const packets: Packet[] = [];
  const at = (ms: number, src: Peer, dst: Peer, lines: readonly string[]) => packets.push({ atMs: startMs + ms, src, dst, text: sip([...lines, 'Content-Length: 0']) });
  /** One INVITE transaction of the phone: its Via, and the edge's Via when it forwards it. */
  const leg = (cseq: number, target: string) => {
    const phoneVia = `Via: SIP/2.0/UDP 127.0.2.10:5060;branch=z9hG4bK-desk-${n}-${cseq};rport=5060`;
    const edgeVia = `Via: SIP/2.0/UDP 127.0.2.1:5060;branch=z9hG4bK-edge-${n}-${cseq}`;
    const head = [from, to, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`];
    return {
      invite: [`INVITE ${target} SIP/2.0`, phoneVia, 'Max-Forwards: 70', ...head, 'Contact: <sip:101@127.0.2.10>'],
      forwarded: (uri: string) => [`INVITE ${uri} SIP/2.0`, edgeVia, phoneVia, 'Max-Forwards: 69', ...head, 'Contact: <sip:101@127.0.2.10>'],
      toPhone: (status: string, tag: string, extra: readonly string[] = []) => [
        `SIP/2.0 ${status}`, phoneVia, from, tag === '' ? to : `${to};tag=${tag}`, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`, ...extra,
      ],
      toEdge: (status: string, tag: string, extra: readonly string[] = []) => [
        `SIP/2.0 ${status}`, edgeVia, phoneVia, from, tag === '' ? to : `${to};tag=${tag}`, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`, ...extra,
      ],
      ack: (tag: string) => [
        `ACK ${target} SIP/2.0`, phoneVia, 'Max-Forwards: 70', from, `${to};tag=${tag}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ACK`,
      ],
    };
  };
  const first = leg(1, `sip:${number}@127.0.2.1`);
  at(0, desk, edge, first.invite);
  at(1, edge, desk, first.toPhone('100 Trying', ''));
  at(2, edge, cloud, first.forwarded(`sip:${number}@127.0.2.2`));
  at(502, edge, cloud, first.forwarded(`sip:${number}@127.0.2.2`));
  at(1502, edge, cloud, first.forwarded(`sip:${number}@127.0.2.2`));
  if (!diverted) {
    at(2002, edge, desk, first.toPhone('408 Request Timeout', `edge-${n}`));
    at(2004, desk, edge, first.ack(`edge-${n}`));
    return packets;
  }
  at(2002, edge, desk, first.toPhone('181 Survival Activated', `edge-${n}`));
  at(2003, edge, desk, first.toPhone('302 Moved Temporarily', `edge-${n}`, [`Contact: <sip:${number}@127.0.2.3>`]));
  at(2004, desk, edge, first.ack(`edge-${n}`));
  const second = leg(2, `sip:${number}@127.0.2.3`);
  const answer = [`Contact: <sip:${number}@127.0.2.3>`];
  at(2005, desk, edge, second.invite);
  at(2006, edge, desk, second.toPhone('100 Trying', ''));
  at(2007, edge, pstn, second.forwarded(`sip:${number}@127.0.2.3`));
  at(2008, pstn, edge, second.toEdge('100 Trying', ''));
  at(2010, pstn, edge, second.toEdge('180 Ringing', `pstn-${n}`));
  at(2011, edge, desk, second.toPhone('180 Ringing', `pstn-${n}`));
  at(4010, pstn, edge, second.toEdge('200 OK', `pstn-${n}`, answer));
  at(4011, edge, desk, second.toPhone('200 OK', `pstn-${n}`, answer));
  const dialog = (method: string, cseq: number, via: readonly string[]) => [
    `${method} sip:${number}@127.0.2.3:5060 SIP/2.0`, ...via, 'Max-Forwards: 70', from, `${to};tag=pstn-${n}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`,
  ];
  const deskVia = (tag: string) => `Via: SIP/2.0/UDP 127.0.2.10:5060;branch=z9hG4bK-desk-${n}-${tag};rport=5060`;
  const edgeVia = (tag: string) => `Via: SIP/2.0/UDP 127.0.2.1:5060;branch=z9hG4bK-edge-${n}-${tag}`;
  at(4012, desk, edge, dialog('ACK', 2, [deskVia('ack')]));
  at(4013, edge, pstn, dialog('ACK', 2, [edgeVia('ack'), deskVia('ack')]));
  at(9000, desk, edge, dialog('BYE', 3, [deskVia('bye')]));
  at(9001, edge, pstn, dialog('BYE', 3, [edgeVia('bye'), deskVia('bye')]));
  const byeOk = (via: readonly string[]) => ['SIP/2.0 200 OK', ...via, from, `${to};tag=pstn-${n}`, `Call-ID: ${callId}`, 'CSeq: 3 BYE'];
  at(9002, pstn, edge, byeOk([edgeVia('bye'), deskVia('bye')]));
  at(9003, edge, desk, byeOk([deskVia('bye')]));
  return packets;
}

/** Capture time of the first packet: 2026-12-07 12:00:00 UTC. */
export const traceStartUs = Date.UTC(2026, 11, 7, 12, 0, 0) * 1000;

/** `count` short calls 10 ms apart, each an INVITE answered 404 by the edge (for the server's cap on listed calls). */
export function manyCalls(count: number): Packet[] {
  const packets: Packet[] = [];
  for (let n = 1; n <= count; n++) {
    const head = [`From: <sip:101@127.0.2.1>;tag=m${n}`, `To: <sip:${n}@127.0.2.1>`, `Call-ID: many-${n}@127.0.2.10`, 'CSeq: 1 INVITE'];
    const via = `Via: SIP/2.0/UDP 127.0.2.10:5060;branch=z9hG4bK-many-${n}`;
    packets.push(
      { atMs: n * 10, src: desk, dst: edge, text: sip([`INVITE sip:${n}@127.0.2.1 SIP/2.0`, via, 'Max-Forwards: 70', ...head, 'Content-Length: 0']) },
      { atMs: n * 10 + 1, src: edge, dst: desk, text: sip(['SIP/2.0 404 Not Found', via, ...head, 'Content-Length: 0']) },
    );
  }
  return packets;
}

/** Call 1 (never diverted) at 0 s, call 2 (diverted) at 10 s. */
export function tracePackets(): Packet[] {
  return [...call(1, 0, '944000001', false), ...call(2, 10_000, '944000002', true)];
}

/** The same packets as HEP3 packets back to back (a Kamailio siptrace file), with test/support/hep-encode.ts. */
export function traceHep(packets: readonly Packet[] = tracePackets()): Uint8Array {
  return concat(packets.map((p) => {
    const us = traceStartUs + p.atMs * 1000;
    return encodeHep3({
      src: p.src.address, srcPort: p.src.port, dst: p.dst.address, dstPort: p.dst.port,
      seconds: Math.floor(us / 1_000_000), micros: us % 1_000_000, payload: p.text,
    });
  }));
}

function ipv4(address: string): number[] {
  return address.split('.').map(Number);
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function frame(packet: Packet): Uint8Array {
  const payload = new TextEncoder().encode(packet.text);
  const udpLength = 8 + payload.length;
  const ipLength = 20 + udpLength;
  const out = new Uint8Array(14 + ipLength);
  const view = new DataView(out.buffer);
  out.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  view.setUint16(12, 0x0800);
  const ip = 14;
  out.set([0x45, 0], ip);
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 6, 0x4000); // DF, no fragments
  out[ip + 8] = 64;
  out[ip + 9] = 17;
  out.set(ipv4(packet.src.address), ip + 12);
  out.set(ipv4(packet.dst.address), ip + 16);
  view.setUint16(ip + 10, checksum(out.subarray(ip, ip + 20)));
  const udp = ip + 20;
  view.setUint16(udp, packet.src.port);
  view.setUint16(udp + 2, packet.dst.port);
  view.setUint16(udp + 4, udpLength);
  // UDP checksum 0: none, as IPv4 allows.
  out.set(payload, udp + 8);
  return out;
}

/** The packets as a classic pcap file. */
export function tracePcap(packets: readonly Packet[] = tracePackets()): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, 1, true);
  parts.push(new Uint8Array(header.buffer));
  for (const packet of packets) {
    const bytes = frame(packet);
    const record = new DataView(new ArrayBuffer(16));
    const us = traceStartUs + packet.atMs * 1000;
    record.setUint32(0, Math.floor(us / 1_000_000), true);
    record.setUint32(4, us % 1_000_000, true);
    record.setUint32(8, bytes.length, true);
    record.setUint32(12, bytes.length, true);
    parts.push(new Uint8Array(record.buffer), bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
