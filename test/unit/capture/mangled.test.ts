// Hostile bytes: captures with random bytes overwritten (a seeded generator, so a failure
// repeats) are read to the end or refused with a CaptureError; no other exception, and
// every item is well formed.
import { describe, expect, it } from 'vitest';
import { CaptureError, type CaptureItem } from '../../../io/capture/index.js';
import {
  ethernet, ipv4, ipv4Fragments, ipv6, ipv6Fragments, link, pcap, pcapng, PROTO_TCP, PROTO_UDP, sipRequest, sll2, tcp, TCP_SYN, udp,
} from '../../support/capture-writer.js';
import { readBytes } from './helpers.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const body = 'v=0\r\n' + 'a=x:0123456789\r\n'.repeat(120);
const msg = (i: number) => sipRequest('INVITE', `sip:${i}@127.0.0.2`, { callId: `m${i}`, cseq: i, body });
const t = 1_765_000_000_000_000_000n;
const frames = [
  ethernet(ipv4('127.0.0.1', '127.0.0.2', PROTO_UDP, udp(5060, 5060, msg(1))), [[0x8100, 1]]),
  ...ipv4Fragments('127.0.0.1', '127.0.0.2', PROTO_UDP, udp(5060, 5060, msg(2)), 1024, 9).map((f) => ethernet(f)),
  ethernet(ipv6('2001:db8::1', '2001:db8::2', PROTO_TCP, tcp(4000, 5060, 10, '', TCP_SYN))),
  ethernet(ipv6('2001:db8::1', '2001:db8::2', PROTO_TCP, tcp(4000, 5060, 11, msg(3) + msg(4)))),
  ...ipv6Fragments('2001:db8::1', '2001:db8::2', PROTO_UDP, udp(5060, 5060, msg(5)), 1024, 7).map((f) => ethernet(f)),
];
const bases: [string, Buffer][] = [
  ['pcap', pcap(frames.map((data, i) => ({ timeNs: t + BigInt(i), data })), { link: link.ETHERNET })],
  ['pcapng', pcapng([{ otherBlocks: true, interfaces: [{ link: link.ETHERNET }, { link: link.LINUX_SLL2, tsresol: 9 }], frames: frames.map((data, i) => ({ iface: i % 2, timeNs: t + BigInt(i), data: i % 2 ? sll2(data.subarray(14)) : data })) }])],
];

function wellFormed(item: CaptureItem): boolean {
  if (item.kind === 'notice') return typeof item.code === 'string' && item.message.length > 0 && Number.isInteger(item.frame);
  return Number.isInteger(item.frame) && item.frame >= 1 && Number.isFinite(item.timeUs) && item.src.port >= 0 && item.src.port <= 65535 && item.text.length > 0;
}

describe('mangled captures', () => {
  for (const [name, base] of bases) {
    it(`reads or refuses ${name} files with random bytes overwritten`, async () => {
      const random = rng(name.length * 7919);
      let refused = 0;
      let read = 0;
      for (let round = 0; round < 150; round++) {
        const copy = Buffer.from(base);
        const hits = 1 + Math.floor(random() * 8);
        // Past the file header, mostly: a broken header is one refusal, not a test of the packet paths.
        for (let h = 0; h < hits; h++) copy[24 + Math.floor(random() * (copy.length - 24))] = Math.floor(random() * 256);
        const cut = random() < 0.2 ? copy.subarray(0, Math.floor(random() * copy.length)) : copy;
        try {
          const items = await readBytes(cut);
          expect(items.every(wellFormed)).toBe(true);
          read++;
        } catch (error) {
          expect(error).toBeInstanceOf(CaptureError);
          refused++;
        }
      }
      // Both outcomes happen: the mangling reaches the record framing and the packets.
      expect(read).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
    });
  }
});
