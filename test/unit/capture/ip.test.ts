// IP in the capture readers (io/capture/ip.ts, packet.ts): RFC 5952 address text, IPv6
// extension headers, and fragments of both versions put back together in any order,
// with the bounds that keep stray fragments from growing memory.
import { describe, expect, it } from 'vitest';
import { fragmentLimits, ipv6Text } from '../../../io/capture/ip.js';
import {
  ipv4, ipv4Fragments, ipv6, ipv6Bytes, ipv6Fragments, link, pcap, PROTO_UDP, sipRequest, udp, type Frame,
} from '../../support/capture-writer.js';
import { readBytes } from './helpers.js';

const body = `v=0\r\n${'a=x-filler:0123456789abcdef\r\n'.repeat(80)}`;
const invite = sipRequest('INVITE', 'sip:101@[2001:db8::2]', { callId: 'frag-1', cseq: 1, body });
const t0 = 1_765_000_000_000_000_000n;
const at = (i: number, data: Buffer): Frame => ({ timeNs: t0 + BigInt(i) * 1_000_000n, data });

describe('IPv6 address text (RFC 5952)', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0db8:0001:0001:0001:0001:0000:0001', '2001:db8:1:1:1:1:0:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '::ffff:192.0.2.1'],
  ];
  for (const [full, text] of cases) {
    it(`writes ${full} as ${text}`, () => {
      expect(ipv6Text(ipv6Bytes(full), 0)).toBe(text);
    });
  }
});

describe('IPv6 extension headers', () => {
  it('walks hop-by-hop, routing, destination options and AH to the UDP header', async () => {
    const packet = ipv6('2001:db8::1', '2001:db8::2', PROTO_UDP, udp(5060, 5060, invite), [{ type: 0 }, { type: 43, body: new Uint8Array(14) }, { type: 60 }, { type: 51, body: new Uint8Array(14) }]);
    expect(await readBytes(pcap([at(0, packet)], { link: link.IPV6 }))).toEqual([
      { kind: 'sip', timeUs: 1_765_000_000_000_000, src: { address: '2001:db8::1', port: 5060 }, dst: { address: '2001:db8::2', port: 5060 }, transport: 'udp', text: invite, frame: 1 },
    ]);
  });
});

describe('fragments', () => {
  const v4 = ipv4Fragments('10.0.0.1', '10.0.0.2', PROTO_UDP, udp(5060, 5060, invite), 1480, 77);
  const v6 = ipv6Fragments('2001:db8::1', '2001:db8::2', PROTO_UDP, udp(5060, 5060, invite), 1232, 0xabcdef01, [{ type: 0 }], [{ type: 60 }]);

  it('reassembles IPv4 fragments; the message takes the time and frame of the last to arrive', async () => {
    expect(v4.length).toBe(2);
    const file = pcap([at(0, v4[1] as Buffer), at(1, v4[0] as Buffer)], { link: link.RAW });
    expect(await readBytes(file)).toEqual([
      { kind: 'sip', timeUs: 1_765_000_000_001_000, src: { address: '10.0.0.1', port: 5060 }, dst: { address: '10.0.0.2', port: 5060 }, transport: 'udp', text: invite, frame: 2 },
    ]);
  });

  it('reassembles IPv6 fragments out of order, with headers before and after the fragment header', async () => {
    expect(v6.length).toBe(3);
    const file = pcap([at(0, v6[2] as Buffer), at(1, v6[0] as Buffer), at(2, v6[1] as Buffer)], { link: link.RAW });
    expect(await readBytes(file)).toEqual([
      { kind: 'sip', timeUs: 1_765_000_000_002_000, src: { address: '2001:db8::1', port: 5060 }, dst: { address: '2001:db8::2', port: 5060 }, transport: 'udp', text: invite, frame: 3 },
    ]);
  });

  it('keeps fragments of different datagrams apart (same id, other source)', async () => {
    const other = ipv4Fragments('10.0.0.9', '10.0.0.2', PROTO_UDP, udp(5060, 5060, invite), 1480, 77);
    const file = pcap([at(0, v4[0] as Buffer), at(1, other[0] as Buffer), at(2, other[1] as Buffer), at(3, v4[1] as Buffer)], { link: link.RAW });
    expect((await readBytes(file)).map((i) => (i.kind === 'sip' ? [i.src.address, i.frame] : i.code))).toEqual([['10.0.0.9', 3], ['10.0.0.1', 4]]);
  });

  it('drops a datagram whose fragments do not complete within 30 s of capture time, and those left at the end', async () => {
    const late = ipv4Fragments('10.0.0.3', '10.0.0.2', PROTO_UDP, udp(5060, 5060, invite), 1480, 78);
    const file = pcap([
      at(0, v4[0] as Buffer),
      at(31_000, late[0] as Buffer),
      at(31_001, v4[1] as Buffer),
    ], { link: link.RAW });
    expect(await readBytes(file)).toEqual([
      { kind: 'notice', code: 'fragment-timeout', message: 'frame 2: IP fragments of 10.0.0.1 -> 10.0.0.2 (id 77, first in frame 1) never completed within 30 s; dropped', frame: 2 },
      { kind: 'notice', code: 'fragment-timeout', message: 'frame 3: IP fragments of 10.0.0.3 -> 10.0.0.2 (id 78, first in frame 2) never completed before the capture ended; dropped', frame: 3 },
      { kind: 'notice', code: 'fragment-timeout', message: 'frame 3: IP fragments of 10.0.0.1 -> 10.0.0.2 (id 77, first in frame 3) never completed before the capture ended; dropped', frame: 3 },
    ]);
  });

  it('holds at most 1024 datagrams in fragments, dropping the oldest', async () => {
    const frames: Frame[] = [];
    for (let id = 0; id <= fragmentLimits.openSets; id++) frames.push(at(0, ipv4('10.0.0.1', '10.0.0.2', PROTO_UDP, new Uint8Array(8), { id, moreFragments: true })));
    const items = await readBytes(pcap(frames, { link: link.RAW }));
    expect(items[0]).toEqual({
      kind: 'notice', code: 'fragment-timeout', frame: 1025,
      message: 'frame 1025: IP fragments of 10.0.0.1 -> 10.0.0.2 (id 0, first in frame 1) could not be kept: more than 1024 datagrams in fragments at once; dropped',
    });
    expect(items.length).toBe(1 + 1024);
  });

  it('drops fragments that add up to more than 64 KiB', async () => {
    const huge = ipv4('10.0.0.1', '10.0.0.2', PROTO_UDP, new Uint8Array(16), { id: 5, fragmentOffset: 65_528, moreFragments: false });
    expect(await readBytes(pcap([at(0, huge)], { link: link.RAW }))).toEqual([
      { kind: 'notice', code: 'fragment-timeout', message: 'frame 1: IP fragments of 10.0.0.1 -> 10.0.0.2 (id 5, first in frame 1) add up to more than 64 KiB; dropped', frame: 1 },
    ]);
  });

  it('drops a datagram flooded with one fragment again and again, instead of holding every copy', async () => {
    const piece = ipv4('10.0.0.1', '10.0.0.2', PROTO_UDP, new Uint8Array(1024), { id: 6, moreFragments: true });
    const items = await readBytes(pcap(Array.from({ length: 200 }, () => at(0, piece)), { link: link.RAW }));
    // 1024 + 64 bytes counted per copy: the 121st passes 2 * 65535.
    expect(items[0]).toEqual({ kind: 'notice', code: 'fragment-timeout', message: 'frame 121: IP fragments of 10.0.0.1 -> 10.0.0.2 (id 6, first in frame 1) add up to more than 64 KiB; dropped', frame: 121 });
  });
});

