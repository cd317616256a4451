// Classic pcap and the link layers (io/capture): every byte order and precision, every
// link type surv reads, each giving the exact message, addresses, time and frame.
import { describe, expect, it } from 'vitest';
import {
  ethernet, ipv4, ipv6, link, loopback, pcap, PROTO_UDP, sipRequest, sipResponse, sll, sll2, udp,
} from '../../support/capture-writer.js';
import { readBytes } from './helpers.js';

const invite = sipRequest('INVITE', 'sip:101@127.0.0.2', { callId: 'call-1', cseq: 1, body: 'v=0\r\n' });
const ok = sipResponse(200, 'OK', 'INVITE', { callId: 'call-1', cseq: 1 });
const t0 = 1_765_000_000_123_456_789n;

function v4(text: string, src = '10.0.0.1', dst = '10.0.0.2', sport = 5060, dport = 5060): Buffer {
  return ipv4(src, dst, PROTO_UDP, udp(sport, dport, text));
}

describe('classic pcap', () => {
  for (const order of ['le', 'be'] as const) {
    for (const nanos of [false, true]) {
      it(`reads ${order === 'le' ? 'little' : 'big'}-endian ${nanos ? 'nanosecond' : 'microsecond'} files`, async () => {
        const file = pcap([
          { timeNs: t0, data: ethernet(v4(invite)) },
          { timeNs: t0 + 2_500_000n, data: ethernet(v4(ok, '10.0.0.2', '10.0.0.1', 5060, 5062)) },
        ], { link: link.ETHERNET, order, nanos });
        expect(await readBytes(file)).toEqual([
          { kind: 'sip', timeUs: 1_765_000_000_123_456, src: { address: '10.0.0.1', port: 5060 }, dst: { address: '10.0.0.2', port: 5060 }, transport: 'udp', text: invite, frame: 1 },
          { kind: 'sip', timeUs: 1_765_000_000_125_956, src: { address: '10.0.0.2', port: 5060 }, dst: { address: '10.0.0.1', port: 5062 }, transport: 'udp', text: ok, frame: 2 },
        ]);
      });
    }
  }

  it('floors nanoseconds to microseconds', async () => {
    const file = pcap([{ timeNs: 1_700_000_000_000_000_999n, data: v4(invite) }], { link: link.RAW, nanos: true });
    expect((await readBytes(file))[0]).toMatchObject({ timeUs: 1_700_000_000_000_000 });
  });

  it('numbers frames over every packet, SIP or not, and counts what is not SIP', async () => {
    const file = pcap([
      { timeNs: t0, data: v4('\x80\x00 rtp-ish bytes', '10.0.0.1', '10.0.0.2', 40000, 40002) },
      { timeNs: t0, data: v4('\r\n\r\n') },
      { timeNs: t0, data: v4(invite) },
    ], { link: link.RAW });
    expect(await readBytes(file)).toEqual([
      { kind: 'notice', code: 'not-sip', message: 'frame 1: UDP 10.0.0.1:40000 -> 10.0.0.2:40002 is not SIP (17 bytes)', frame: 1 },
      expect.objectContaining({ kind: 'sip', frame: 3, text: invite }),
    ]);
  });
});

describe('link layers', () => {
  const ip = v4(invite, '192.0.2.1', '192.0.2.2', 5061, 5060);
  const expected = { kind: 'sip', src: { address: '192.0.2.1', port: 5061 }, dst: { address: '192.0.2.2', port: 5060 }, transport: 'udp', text: invite, frame: 1 };
  const cases: [string, number, Buffer][] = [
    ['Ethernet', link.ETHERNET, ethernet(ip)],
    ['Ethernet with an 802.1Q tag', link.ETHERNET, ethernet(ip, [[0x8100, 100]])],
    ['Ethernet with 802.1ad and 802.1Q tags (QinQ)', link.ETHERNET, ethernet(ip, [[0x88a8, 10], [0x8100, 20]])],
    ['Linux cooked v1', link.LINUX_SLL, sll(ip)],
    ['Linux cooked v2', link.LINUX_SLL2, sll2(ip)],
    ['raw IP (101)', link.RAW, ip],
    ['raw IP (12)', 12, ip],
    ['raw IP (14)', 14, ip],
    ['IPv4 (228)', link.IPV4, ip],
    ['BSD loopback, host order', link.NULL, loopback(ip, 'le')],
    ['BSD loopback, network order', link.LOOP, loopback(ip, 'be')],
  ];
  for (const [name, type, frame] of cases) {
    it(`reads ${name}`, async () => {
      expect(await readBytes(pcap([{ timeNs: t0, data: frame }], { link: type }))).toEqual([{ ...expected, timeUs: 1_765_000_000_123_456 }]);
    });
  }

  it('reads IPv6 on raw (229), Ethernet, SLL2 and both loopback families', async () => {
    const ip6 = ipv6('2001:db8::1', '2001:db8:0:0:1:0:0:2', PROTO_UDP, udp(5060, 5080, invite));
    const want = { kind: 'sip', timeUs: 1_765_000_000_123_456, src: { address: '2001:db8::1', port: 5060 }, dst: { address: '2001:db8::1:0:0:2', port: 5080 }, transport: 'udp', text: invite, frame: 1 };
    for (const [type, frame] of [[link.IPV6, ip6], [link.ETHERNET, ethernet(ip6)], [link.LINUX_SLL2, sll2(ip6)], [link.NULL, loopback(ip6, 'le', 10)], [link.LOOP, loopback(ip6, 'be', 24)]] as const) {
      expect(await readBytes(pcap([{ timeNs: t0, data: frame }], { link: type }))).toEqual([want]);
    }
  });

  it('ignores frames that are not IP (ARP) without a notice', async () => {
    const arp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);
    expect(await readBytes(pcap([{ timeNs: t0, data: arp }], { link: link.ETHERNET }))).toEqual([]);
  });

  it('reports a packet cut by the snap length instead of yielding half a message', async () => {
    const whole = ethernet(v4(invite));
    const file = pcap([{ timeNs: t0, data: whole.subarray(0, 60), wireLength: whole.length }], { link: link.ETHERNET, snaplen: 60 });
    expect(await readBytes(file)).toEqual([
      { kind: 'notice', code: 'truncated-packet', message: `frame 1: only 60 of its ${whole.length} bytes were captured (snap length); skipped`, frame: 1 },
    ]);
  });

  it('reads IPv4 with options', async () => {
    const withOptions = ipv4('10.1.1.1', '10.1.1.2', PROTO_UDP, udp(5060, 5060, ok), { options: Buffer.from([0x94, 0x04, 0x00, 0x00]) });
    expect(await readBytes(pcap([{ timeNs: t0, data: withOptions }], { link: link.RAW }))).toEqual([
      { kind: 'sip', timeUs: 1_765_000_000_123_456, src: { address: '10.1.1.1', port: 5060 }, dst: { address: '10.1.1.2', port: 5060 }, transport: 'udp', text: ok, frame: 1 },
    ]);
  });

  it('reads records that straddle its 1 MiB read chunks, and yields batches in order', async () => {
    const frames = Array.from({ length: 8000 }, (_, i) => ({ timeNs: t0 + BigInt(i) * 1000n, data: ethernet(v4(sipRequest('MESSAGE', 'sip:x@10.0.0.2', { callId: `c${i}`, cseq: i + 1 }))) }));
    const file = pcap(frames, { link: link.ETHERNET });
    expect(file.length).toBeGreaterThan(2 * 1024 * 1024);
    const items = await readBytes(file);
    expect(items.length).toBe(8000);
    items.forEach((item, i) => {
      expect(item).toMatchObject({ kind: 'sip', frame: i + 1, timeUs: 1_765_000_000_123_456 + i });
      expect(item.kind === 'sip' && item.text.includes(`Call-ID: c${i}\r\n`)).toBe(true);
    });
  });

  it('stops after maxFrames frames', async () => {
    const file = pcap([0, 1, 2].map((i) => ({ timeNs: t0 + BigInt(i), data: v4(invite) })), { link: link.RAW });
    expect((await readBytes(file, { maxFrames: 2 })).map((i) => i.frame)).toEqual([1, 2]);
  });
});
