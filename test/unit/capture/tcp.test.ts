// SIP over TCP in the capture readers (io/capture/tcp.ts): each direction put back in
// sequence order and cut into messages by Content-Length; each message carries the time
// and frame of the segment that completed it. Out of order, retransmitted, overlapping,
// several per segment, one over several, picked up mid-stream, TLS, lost bytes.
import { describe, expect, it } from 'vitest';
import { tcpLimits } from '../../../io/capture/tcp.js';
import {
  ipv4, ipv6, link, pcap, PROTO_TCP, sipRequest, sipResponse, tcp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Frame,
} from '../../support/capture-writer.js';
import { readBytes } from './helpers.js';

const a = '10.0.0.1';
const b = '10.0.0.2';
const isn = 0xfffffff0; // close to wrapping, so sequence arithmetic must be modulo 2^32
const register = sipRequest('REGISTER', 'sip:example.test', { callId: 'tcp-1', cseq: 1, via: 'TCP 10.0.0.1:40000;branch=z9hG4bK1' });
const invite = sipRequest('INVITE', 'sip:101@example.test', { callId: 'tcp-2', cseq: 2, via: 'TCP 10.0.0.1:40000;branch=z9hG4bK2', body: 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n', compact: true });
const t0 = 1_765_000_000_000_000_000n;
const at = (i: number, data: Buffer): Frame => ({ timeNs: t0 + BigInt(i) * 1_000_000n, data });
const seg = (seq: number, payload: string | Buffer, flags = TCP_ACK) => ipv4(a, b, PROTO_TCP, tcp(40000, 5060, (isn + 1 + seq) >>> 0, payload, flags));
const syn = ipv4(a, b, PROTO_TCP, tcp(40000, 5060, isn, '', TCP_SYN));
const file = (segments: Buffer[]) => pcap(segments.map((s, i) => at(i, s)), { link: link.RAW });
const sip = (text: string, frame: number) => ({
  kind: 'sip', timeUs: 1_765_000_000_000_000 + (frame - 1) * 1000, src: { address: a, port: 40000 }, dst: { address: b, port: 5060 }, transport: 'tcp', text, frame,
});
const both = register + invite;

describe('TCP reassembly', () => {
  it('cuts two messages out of one segment', async () => {
    expect(await readBytes(file([syn, seg(0, both)]))).toEqual([sip(register, 2), sip(invite, 2)]);
  });

  it('joins one message across three segments, with the frame of the last', async () => {
    const third = Math.floor(invite.length / 3);
    expect(await readBytes(file([syn, seg(0, invite.slice(0, third)), seg(third, invite.slice(third, 2 * third)), seg(2 * third, invite.slice(2 * third))]))).toEqual([sip(invite, 4)]);
  });

  it('puts out-of-order segments back in order', async () => {
    const cut = register.length + 10;
    expect(await readBytes(file([syn, seg(cut, both.slice(cut)), seg(0, both.slice(0, cut))]))).toEqual([sip(register, 3), sip(invite, 3)]);
  });

  it('uses retransmitted and overlapping bytes once', async () => {
    const cut = 100;
    expect(await readBytes(file([
      syn, seg(0, both.slice(0, cut)), seg(0, both.slice(0, cut)), seg(cut - 20, both.slice(cut - 20, cut + 50)), seg(cut + 50, both.slice(cut + 50)), seg(0, both),
    ]))).toEqual([sip(register, 5), sip(invite, 5)]);
  });

  it('skips CRLF keep-alives between messages', async () => {
    expect(await readBytes(file([syn, seg(0, '\r\n\r\n'), seg(4, register), seg(4 + register.length, '\r\n')]))).toEqual([sip(register, 3)]);
  });

  it('picks a stream up mid-message: finds the first SIP start line', async () => {
    const tail = register.slice(40);
    expect(await readBytes(file([seg(1000, tail + invite)]))).toEqual([sip(invite, 1)]);
  });

  it('reads TCP over IPv6, in both directions', async () => {
    const ok = sipResponse(200, 'OK', 'REGISTER', { callId: 'tcp-1', cseq: 1 });
    const there = ipv6('2001:db8::1', '2001:db8::2', PROTO_TCP, tcp(40000, 5060, 1, register));
    const back = ipv6('2001:db8::2', '2001:db8::1', PROTO_TCP, tcp(5060, 40000, 7, ok));
    expect(await readBytes(pcap([at(0, there), at(1, back)], { link: link.IPV6 }))).toEqual([
      { kind: 'sip', timeUs: 1_765_000_000_000_000, src: { address: '2001:db8::1', port: 40000 }, dst: { address: '2001:db8::2', port: 5060 }, transport: 'tcp', text: register, frame: 1 },
      { kind: 'sip', timeUs: 1_765_000_000_001_000, src: { address: '2001:db8::2', port: 5060 }, dst: { address: '2001:db8::1', port: 40000 }, transport: 'tcp', text: ok, frame: 2 },
    ]);
  });

  it('reports a message the stream ends inside (FIN), and after RST starts afresh', async () => {
    const half = register.slice(0, 50);
    expect(await readBytes(file([syn, seg(0, half, TCP_ACK | TCP_FIN)]))).toEqual([
      { kind: 'notice', code: 'tcp-incomplete', message: 'frame 2: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: the stream ends inside a SIP message (50 bytes since frame 2)', frame: 2 },
    ]);
    expect(await readBytes(file([syn, seg(0, half), seg(50, '', TCP_RST), seg(5000, invite)]))).toEqual([
      { kind: 'notice', code: 'tcp-incomplete', message: 'frame 3: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: the stream ends inside a SIP message (50 bytes since frame 2)', frame: 3 },
      sip(invite, 4),
    ]);
  });

  it('skips bytes never captured with a tcp-gap notice, and reads on from the next message', async () => {
    const later = register.length + 500;
    const segments = [syn, seg(0, register.slice(0, 30))];
    // Out-of-order bytes past the hole pile up beyond the stream limit: the hole is given up.
    const filler = 'X'.repeat(1000);
    segments.push(seg(later, invite));
    for (let off = later + invite.length; off < later + invite.length + tcpLimits.streamBytes; off += filler.length) segments.push(seg(off, filler));
    const items = await readBytes(file(segments));
    const gapFrame = segments.length;
    expect(items).toEqual([
      { kind: 'notice', code: 'tcp-gap', message: `frame ${gapFrame}: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: ${later - 30} bytes never captured (sequence ${(isn + 1 + 30) >>> 0} to ${(isn + 1 + later) >>> 0}); skipped to the next SIP start line`, frame: gapFrame },
      sip(invite, gapFrame),
      // The filler after it is no SIP: said once for the stream.
      { kind: 'notice', code: 'not-sip', message: `frame ${gapFrame}: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: bytes that are not SIP where a message should start; skipped to the next SIP start line`, frame: gapFrame },
    ]);
  });

  it('gives up a message that grows past 64 KiB without ending', async () => {
    const head = 'MESSAGE sip:x@example.test SIP/2.0\r\nContent-Length: 100000\r\n\r\n';
    const segments = [syn, seg(0, head)];
    const filler = 'y'.repeat(1400);
    let off = head.length;
    while (off <= tcpLimits.streamBytes) {
      segments.push(seg(off, filler));
      off += filler.length;
    }
    const items = await readBytes(file(segments));
    expect(items).toEqual([
      { kind: 'notice', code: 'tcp-gap', message: `frame ${segments.length}: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: ${off} bytes without a complete SIP message (since frame 2); skipped to the next SIP start line`, frame: segments.length },
    ]);
  });

  it('says once per connection that TLS cannot be read, and skips its bytes', async () => {
    const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
    const there = ipv4(a, b, PROTO_TCP, tcp(40001, 5061, 1, hello));
    const back = ipv4(b, a, PROTO_TCP, tcp(5061, 40001, 1, Buffer.from([0x16, 0x03, 0x03, 0, 1, 9])));
    const more = ipv4(a, b, PROTO_TCP, tcp(40001, 5061, 11, register));
    expect(await readBytes(file([there, back, more]))).toEqual([
      { kind: 'notice', code: 'tls', message: 'frame 1: TLS on 10.0.0.1:40001 -> 10.0.0.2:5061: surv cannot read encrypted SIP; capture before TLS or use HEP from the proxy', frame: 1 },
    ]);
  });

  it('reads plain SIP on port 5061 when it is plain SIP', async () => {
    const plain = ipv4(a, b, PROTO_TCP, tcp(40001, 5061, 1, register));
    expect((await readBytes(file([plain]))).map((i) => i.kind)).toEqual(['sip']);
  });

  it('handles sequence numbers that wrap past 2^32', async () => {
    // isn + 1 + 15 wraps to 0: the message straddles the wrap.
    expect(await readBytes(file([syn, seg(0, register.slice(0, 20)), seg(20, register.slice(20))]))).toEqual([sip(register, 3)]);
  });

  it('closes a stream idle for 5 minutes of capture time, and holds at most 4096 streams', async () => {
    const half = register.slice(0, 50);
    const idle = pcap([
      at(0, seg(0, half)),
      { timeNs: t0 + 301_000_000_000n, data: ipv4('10.0.0.7', b, PROTO_TCP, tcp(40000, 5060, 1, register)) },
    ], { link: link.RAW });
    expect(await readBytes(idle)).toEqual([
      { kind: 'notice', code: 'tcp-incomplete', message: 'frame 2: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: the stream ends inside a SIP message (50 bytes since frame 1)', frame: 2 },
      expect.objectContaining({ kind: 'sip', frame: 2, src: { address: '10.0.0.7', port: 40000 } }),
    ]);
    const many: Frame[] = [];
    for (let port = 1; port <= tcpLimits.openStreams + 1; port++) many.push(at(0, ipv4(a, b, PROTO_TCP, tcp(port, 5060, 1, half))));
    const items = await readBytes(pcap(many, { link: link.RAW }));
    expect(items[0]).toEqual({ kind: 'notice', code: 'tcp-incomplete', message: 'frame 4097: TCP 10.0.0.1:1 -> 10.0.0.2:5060: the stream ends inside a SIP message (50 bytes since frame 1)', frame: 4097 });
    expect(items.length).toBe(4097);
  });

  it('gives up a hole when more than 1024 tiny segments wait behind it', async () => {
    const segments = [syn, seg(0, register.slice(0, 10))];
    for (let i = 0; i <= tcpLimits.pendingSegments; i++) segments.push(seg(100 + 2 * i, 'z'));
    const items = await readBytes(file(segments));
    expect(items[0]).toEqual({
      kind: 'notice', code: 'tcp-gap', frame: segments.length,
      message: `frame ${segments.length}: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: 90 bytes never captured (sequence ${(isn + 11) >>> 0} to ${(isn + 101) >>> 0}); skipped to the next SIP start line`,
    });
  });

  it('reads on when a stream starts again far behind (a new connection whose SYN was not captured)', async () => {
    expect(await readBytes(file([syn, seg(0, register), seg(-100_000_000, invite)]))).toEqual([
      sip(register, 2),
      { kind: 'notice', code: 'tcp-gap', message: `frame 3: TCP 10.0.0.1:40000 -> 10.0.0.2:5060: sequence number jumped back by ${100_000_000 + register.length}; reading on as a new stream`, frame: 3 },
      sip(invite, 3),
    ]);
  });
});

