// tshark as the witness for surv's capture readers (io/capture): one synthetic pcapng with
// UDP over IPv4 (Ethernet with a VLAN tag, fragments too), TCP over IPv6 on a Linux
// cooked v2 interface (two messages in one segment, one message over three segments, a
// segment out of order) and fragmented UDP over IPv6 on a raw interface with nanosecond
// timestamps. tshark and readCapture must agree message by message: the frame that
// completed it, addresses, ports, Call-ID, CSeq, method or status. Fails without tshark.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../io/capture/index.js';
import {
  ethernet, ipv4, ipv4Fragments, ipv6, ipv6Fragments, link, pcapng, PROTO_TCP, PROTO_UDP, sipRequest, sipResponse, sll2, tcp, TCP_SYN,
  udp, type NgFrame,
} from '../support/capture-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'surv-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function requireTshark(): void {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('tshark is missing: apt-get install tshark (the witness for surv\'s capture readers)');
}

const sdp = `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`;
const bigSdp = sdp + 'a=x-filler:0123456789abcdef0123456789abcdef\r\n'.repeat(60);

function capture(): Buffer {
  const t = 1_765_000_000_000_000_000n;
  const ms = (i: number) => t + BigInt(i) * 1_000_000n;
  const frames: NgFrame[] = [];
  // Interface 0: Ethernet + 802.1Q, UDP over IPv4.
  const inv = sipRequest('INVITE', 'sip:101@127.0.0.2', { callId: 'udp-call', cseq: 1, body: sdp });
  const trying = sipResponse(100, 'Trying', 'INVITE', { callId: 'udp-call', cseq: 1 });
  const ok = sipResponse(200, 'OK', 'INVITE', { callId: 'udp-call', cseq: 1, body: sdp });
  frames.push({ iface: 0, timeNs: ms(0), data: ethernet(ipv4('127.0.0.1', '127.0.0.2', PROTO_UDP, udp(5060, 5060, inv)), [[0x8100, 42]]) });
  frames.push({ iface: 0, timeNs: ms(1), data: ethernet(ipv4('127.0.0.2', '127.0.0.1', PROTO_UDP, udp(5060, 5060, trying)), [[0x8100, 42]]) });
  frames.push({ iface: 0, timeNs: ms(2), data: ethernet(ipv4('127.0.0.2', '127.0.0.1', PROTO_UDP, udp(5060, 5060, ok)), [[0x8100, 42]]) });
  // Interface 0: a fragmented UDP INVITE over IPv4.
  const bigInvite = sipRequest('INVITE', 'sip:102@127.0.0.2', { callId: 'frag4-call', cseq: 5, body: bigSdp });
  for (const [i, f] of ipv4Fragments('127.0.0.3', '127.0.0.2', PROTO_UDP, udp(5062, 5060, bigInvite), 1480, 4242).entries()) {
    frames.push({ iface: 0, timeNs: ms(3 + i), data: ethernet(f, [[0x8100, 42]]) });
  }
  // Interface 1: Linux cooked v2, TCP over IPv6.
  const a = '2001:db8::10';
  const b = '2001:db8::20';
  const reg = sipRequest('REGISTER', 'sip:example.test', { callId: 'tcp-reg', cseq: 1, via: 'TCP [2001:db8::10]:40000;branch=z9hG4bKr1' });
  const opts = sipRequest('OPTIONS', 'sip:example.test', { callId: 'tcp-opt', cseq: 9, via: 'TCP [2001:db8::10]:40000;branch=z9hG4bKo1' });
  const tinv = sipRequest('INVITE', 'sip:103@example.test', { callId: 'tcp-inv', cseq: 2, via: 'TCP [2001:db8::10]:40000;branch=z9hG4bKi1', body: sdp });
  const tok = sipResponse(200, 'OK', 'REGISTER', { callId: 'tcp-reg', cseq: 1, via: 'TCP [2001:db8::10]:40000;branch=z9hG4bKr1' });
  const isn = 1000;
  const seg = (seq: number, payload: string, flags?: number) => sll2(ipv6(a, b, PROTO_TCP, tcp(40000, 5060, isn + 1 + seq, payload, flags)));
  frames.push({ iface: 1, timeNs: ms(10), data: sll2(ipv6(a, b, PROTO_TCP, tcp(40000, 5060, isn, '', TCP_SYN, 0))) });
  frames.push({ iface: 1, timeNs: ms(11), data: seg(0, reg + opts) });
  const s = reg.length + opts.length;
  const third = Math.floor(tinv.length / 3);
  frames.push({ iface: 1, timeNs: ms(12), data: seg(s, tinv.slice(0, third)) });
  frames.push({ iface: 1, timeNs: ms(13), data: seg(s + third, tinv.slice(third, 2 * third)) });
  frames.push({ iface: 1, timeNs: ms(14), data: seg(s + 2 * third, tinv.slice(2 * third)) });
  frames.push({ iface: 1, timeNs: ms(15), data: sll2(ipv6(b, a, PROTO_TCP, tcp(5060, 40000, 6999, '', TCP_SYN, 0))) });
  frames.push({ iface: 1, timeNs: ms(16), data: sll2(ipv6(b, a, PROTO_TCP, tcp(5060, 40000, 7000, tok))) });
  // The answer to OPTIONS in two segments, the second captured first.
  const ook = sipResponse(200, 'OK', 'OPTIONS', { callId: 'tcp-opt', cseq: 9, via: 'TCP [2001:db8::10]:40000;branch=z9hG4bKo1' });
  const half = Math.floor(ook.length / 2);
  frames.push({ iface: 1, timeNs: ms(17), data: sll2(ipv6(b, a, PROTO_TCP, tcp(5060, 40000, 7000 + tok.length + half, ook.slice(half)))) });
  frames.push({ iface: 1, timeNs: ms(18), data: sll2(ipv6(b, a, PROTO_TCP, tcp(5060, 40000, 7000 + tok.length, ook.slice(0, half)))) });
  // Interface 2: raw IP, nanosecond timestamps, fragmented UDP over IPv6, arriving last fragment first.
  const v6inv = sipRequest('INVITE', 'sip:104@[2001:db8::2]', { callId: 'frag6-call', cseq: 3, body: bigSdp });
  const pieces = ipv6Fragments('2001:db8::1', '2001:db8::2', PROTO_UDP, udp(5060, 5060, v6inv), 1232, 0x1234567);
  pieces.reverse().forEach((p, i) => frames.push({ iface: 2, timeNs: ms(20 + i) + 123n, data: p }));
  return pcapng([{
    otherBlocks: true,
    interfaces: [{ link: link.ETHERNET }, { link: link.LINUX_SLL2 }, { link: link.RAW, tsresol: 9 }],
    frames,
  }]);
}

type Row = [frame: number, src: string, sport: number, dst: string, dport: number, callId: string, cseq: string, what: string];

function header(text: string, name: string): string {
  const line = text.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

describe('tshark agrees with readCapture', () => {
  it('message by message: frame, addresses, ports, Call-ID, CSeq, method or status', async () => {
    requireTshark();
    const path = join(dir, 'witness.pcapng');
    writeFileSync(path, capture());
    const r = spawnSync('tshark', [
      '-r', path, '-Y', 'sip',
      '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE',
      '-o', 'ip.defragment:TRUE', '-o', 'ipv6.defragment:TRUE',
      '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=|', '-E', 'occurrence=a',
      '-e', 'frame.number', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'ip.dst', '-e', 'ipv6.dst',
      '-e', 'udp.srcport', '-e', 'tcp.srcport', '-e', 'udp.dstport', '-e', 'tcp.dstport',
      '-e', 'sip.Call-ID', '-e', 'sip.CSeq', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sip.Request-Line',
    ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const witness: Row[] = [];
    for (const line of r.stdout.trim().split('\n')) {
      const [frame, ip4s, ip6s, ip4d, ip6d, us, ts, ud, td, callIds, cseqs, methods, statuses, requestLines] = line.split('\t') as string[];
      const ids = (callIds ?? '').split('|');
      const seqs = (cseqs ?? '').split('|');
      // No frame of this capture mixes requests and responses: a request line says which it holds.
      const requests = (requestLines ?? '') !== '';
      const whats = (requests ? methods ?? '' : statuses ?? '').split('|');
      ids.forEach((id, i) => {
        const cseq = seqs[i] as string;
        const what = whats[i] as string;
        witness.push([Number(frame), (ip4s || ip6s) as string, Number(us || ts), (ip4d || ip6d) as string, Number(ud || td), id, cseq, what]);
      });
    }
    const ours: Row[] = [];
    for await (const item of readCapture(path)) {
      if (item.kind !== 'sip') {
        ours.push([item.frame, item.code, 0, item.message, 0, '', '', '']);
        continue;
      }
      const first = item.text.slice(0, item.text.indexOf('\r\n'));
      const what = first.startsWith('SIP/2.0 ') ? first.slice(8, 11) : first.slice(0, first.indexOf(' '));
      ours.push([item.frame, item.src.address, item.src.port, item.dst.address, item.dst.port, header(item.text, 'Call-ID'), header(item.text, 'CSeq'), what]);
    }
    expect(ours).toEqual(witness);
    // The witness saw every message the capture holds: nothing above can pass by both missing them.
    expect(ours.map((row) => `${row[0]} ${row[5]} ${row[7]}`)).toEqual([
      '1 udp-call INVITE', '2 udp-call 100', '3 udp-call 200', '6 frag4-call INVITE',
      '8 tcp-reg REGISTER', '8 tcp-opt OPTIONS', '11 tcp-inv INVITE', '13 tcp-reg 200', '15 tcp-opt 200', '18 frag6-call INVITE',
    ]);
  });
});
