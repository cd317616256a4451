// pcapng (io/capture): sections in either byte order, several interfaces each with its
// own link type and timestamp resolution and offset, the three packet block kinds, and
// blocks surv does not know skipped by their length. Plus HEP files.
import { describe, expect, it } from 'vitest';
import { pcapngTimeUs } from '../../../io/capture/index.js';
import { encodeHep2, encodeHep3 } from '../../support/hep-encode.js';
import { ethernet, ipv4, ipv6, link, pcapng, PROTO_UDP, sipRequest, sll2, udp } from '../../support/capture-writer.js';
import { readBytes, writeTemp, readAll } from './helpers.js';

const options = sipRequest('OPTIONS', 'sip:ping@127.0.0.9', { callId: 'ng-1', cseq: 7 });
const ip = ipv4('127.0.0.1', '127.0.0.9', PROTO_UDP, udp(5060, 5070, options));
const sip = (frame: number, timeUs: number) => ({
  kind: 'sip', timeUs, src: { address: '127.0.0.1', port: 5060 }, dst: { address: '127.0.0.9', port: 5070 }, transport: 'udp', text: options, frame,
});
const t = 1_765_000_000_987_654_321n;

describe('pcapng', () => {
  for (const order of ['le', 'be'] as const) {
    it(`reads a ${order === 'le' ? 'little' : 'big'}-endian section with interfaces of different link types and resolutions`, async () => {
      const file = pcapng([{
        order,
        otherBlocks: true,
        interfaces: [
          { link: link.ETHERNET },
          { link: link.LINUX_SLL2, tsresol: 9 },
          { link: link.RAW, tsresol: 0x80 | 20 },
          { link: link.IPV4, tsresol: 3, tsoffset: 1000 },
        ],
        frames: [
          { iface: 0, timeNs: t, data: ethernet(ip, [[0x8100, 5]]) },
          { iface: 1, timeNs: t, data: sll2(ip) },
          { iface: 2, timeNs: t, data: ip },
          { iface: 3, timeNs: t, data: ip },
        ],
      }]);
      expect(await readBytes(file)).toEqual([
        sip(1, 1_765_000_000_987_654),
        sip(2, 1_765_000_000_987_654),
        // 2^-20 s ticks: floor(t * 2^20 / 1e9) ticks, back to µs with the floor again.
        sip(3, Number((((t << 20n) / 1_000_000_000n) * 1_000_000n) >> 20n)),
        // Milliseconds, and an offset of 1000 s added back.
        sip(4, 1_765_000_000_987_000),
      ]);
    });
  }

  it('numbers frames over all sections, and each section has its own interfaces and byte order', async () => {
    const file = pcapng([
      { interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: t, data: ip }] },
      { order: 'be', interfaces: [{ link: link.ETHERNET, tsresol: 9 }], frames: [{ iface: 0, timeNs: t + 1000n, data: ethernet(ip) }, { iface: 0, timeNs: t + 2000n, data: ethernet(ip) }] },
    ]);
    expect(await readBytes(file)).toEqual([sip(1, 1_765_000_000_987_654), sip(2, 1_765_000_000_987_655), sip(3, 1_765_000_000_987_656)]);
  });

  it('counts a custom block as a frame, as tshark does, and skips statistics and unknown blocks', async () => {
    const file = pcapng([{ otherBlocks: true, customBlock: true, interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: t, data: ip }] }]);
    expect(await readBytes(file)).toEqual([sip(2, 1_765_000_000_987_654)]);
  });

  it('skips an unknown block larger than its read buffer without holding it', async () => {
    const one = pcapng([{ interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: t, data: ip }] }]);
    const big = Buffer.alloc(3 * 1024 * 1024 + 12);
    big.writeUInt32LE(0x777, 0);
    big.writeUInt32LE(big.length, 4);
    big.writeUInt32LE(big.length, big.length - 4);
    const epb = one.subarray(48);
    expect(await readBytes(Buffer.concat([one.subarray(0, 48), big, epb]))).toEqual([sip(1, 1_765_000_000_987_654)]);
  });

  it('reads simple packet blocks (time of the packet before) and obsolete packet blocks', async () => {
    const file = pcapng([{
      interfaces: [{ link: link.RAW }],
      frames: [{ iface: 0, timeNs: t, data: ip, block: 'pb' }, { iface: 0, timeNs: 0n, data: ip, block: 'spb' }],
    }]);
    expect(await readBytes(file)).toEqual([sip(1, 1_765_000_000_987_654), sip(2, 1_765_000_000_987_654)]);
  });

  it('skips the packets of an interface whose link type surv does not read, with one notice', async () => {
    const file = pcapng([{
      interfaces: [{ link: 147 }, { link: link.RAW }],
      frames: [{ iface: 0, timeNs: t, data: ip }, { iface: 1, timeNs: t, data: ip }],
    }]);
    expect(await readBytes(file)).toEqual([
      { kind: 'notice', code: 'unsupported-link', message: 'interface 0 (byte offset 28): link type 147 (USER0) is not one surv reads; it reads Ethernet, Linux cooked v1/v2, raw IP and loopback; its packets are skipped', frame: 0 },
      sip(2, 1_765_000_000_987_654),
    ]);
  });

  it('converts timestamps exactly at every resolution', () => {
    const ns = 1_765_000_000_987_654_321n;
    const split = (v: bigint) => [Number(v >> 32n), Number(v & 0xffffffffn)] as const;
    expect(pcapngTimeUs(...split(ns / 1000n), 6)).toBe(1_765_000_000_987_654);
    expect(pcapngTimeUs(...split(ns), 9)).toBe(1_765_000_000_987_654);
    expect(pcapngTimeUs(...split(ns * 1000n), 12)).toBe(1_765_000_000_987_654);
    expect(pcapngTimeUs(...split(ns / 1_000_000n), 3)).toBe(1_765_000_000_987_000);
    expect(pcapngTimeUs(...split(ns / 100n), 7)).toBe(1_765_000_000_987_654);
    expect(pcapngTimeUs(...split((ns << 30n) / 1_000_000_000n), 0x80 | 30)).toBe(1_765_000_000_987_654);
  });
});

describe('HEP files', () => {
  const invite = sipRequest('INVITE', 'sip:101@127.0.0.2', { callId: 'hep-1', cseq: 1, body: 'v=0\r\n' });
  const message = { src: '127.0.0.5', srcPort: 5060, dst: '127.0.0.6', dstPort: 5062, seconds: 1_765_000_000, micros: 42, payload: invite };
  const want = (frame: number) => ({
    kind: 'sip', timeUs: 1_765_000_000_000_042, src: { address: '127.0.0.5', port: 5060 }, dst: { address: '127.0.0.6', port: 5062 }, transport: 'udp', text: invite, frame,
  });

  it('splits HEP3 packets back to back', async () => {
    const file = Buffer.concat([encodeHep3(message), encodeHep3(message)]);
    expect(await readBytes(file)).toEqual([want(1), want(2)]);
  });

  it('splits HEP v2 packets by their SIP Content-Length (padded and packed time headers)', async () => {
    const file = Buffer.concat([encodeHep2(message), encodeHep2(message, { packedTime: true }), encodeHep3(message)]);
    expect(await readBytes(file)).toEqual([want(1), want(2), want(3)]);
  });

  it('splits HEP v1 packets (no length field, no time header) by their SIP Content-Length', async () => {
    const items = await readBytes(Buffer.concat([encodeHep2(message, { version: 1 }), encodeHep3(message)]));
    expect(items.map((i) => (i.kind === 'sip' ? [i.frame, i.text === invite] : [i.frame, i.code]))).toEqual([[1, true], [2, true]]);
  });

  it('reports a HEP file cut inside a packet, and garbage between packets', async () => {
    const one = encodeHep3(message);
    expect(await readBytes(Buffer.concat([one, one.subarray(0, 20)]))).toEqual([
      want(1), { kind: 'notice', code: 'truncated-packet', message: `capture ends inside frame 2 (byte offset ${one.length}); the rest is cut off`, frame: 2 },
    ]);
    const path = writeTemp(Buffer.concat([one, Buffer.from('junkjunk')]));
    await expect(readAll(path)).rejects.toThrow(`${path}: HEP packet 2 at byte offset ${one.length} is not a HEP packet (it starts with 6a 75 6e 6b); the file is damaged here`);
  });

  it('decodes HEP carried in UDP inside a pcapng, with the inner addresses', async () => {
    const outer = ipv6('2001:db8::a', '2001:db8::b', PROTO_UDP, udp(9060, 9060, encodeHep3(message)));
    expect(await readBytes(pcapng([{ interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: t, data: outer }] }]))).toEqual([want(1)]);
  });
});
