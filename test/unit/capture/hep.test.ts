// HEP v1/v2/v3 decoding (io/capture/hep.ts): exact items from packets laid out as
// Kamailio writes them, two byte dumps from elsewhere, and one notice, with its exact
// text, for every way a packet can be broken.
import fc from 'fast-check';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeHep, hepPacketLength, looksLikeHep, MAX_INFLATED_PAYLOAD } from '../../../io/capture/hep.js';
import {
  concat, encodeHep2, encodeHep3, encodeHep3Chunks, hep3Chunks, type HepChunk, type HepMessage, u16be, u32be, u8,
} from '../../support/hep-encode.js';

const invite = [
  'INVITE sip:944000000@127.0.28.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.28.2:5070;branch=z9hG4bK-1',
  'From: <sip:101@127.0.28.2>;tag=a',
  'To: <sip:944000000@127.0.28.1>',
  'Call-ID: hep-1@127.0.28.2',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const base: HepMessage = {
  src: '127.0.28.2', srcPort: 5070, dst: '127.0.28.1', dstPort: 5060, seconds: 1_765_130_000, micros: 123_456, payload: invite,
};

const sip = (over: Partial<{ src: string; srcPort: number; dst: string; dstPort: number; transport: string; timeUs: number; text: string; frame: number }> = {}) => ({
  kind: 'sip', timeUs: 1_765_130_000_123_456, src: { address: '127.0.28.2', port: 5070 }, dst: { address: '127.0.28.1', port: 5060 },
  transport: 'udp', text: invite, frame: 1, ...(over.src === undefined ? {} : { src: { address: over.src, port: over.srcPort } }),
  ...(over.dst === undefined ? {} : { dst: { address: over.dst, port: over.dstPort } }),
  ...(over.transport === undefined ? {} : { transport: over.transport }),
  ...(over.timeUs === undefined ? {} : { timeUs: over.timeUs }),
  ...(over.text === undefined ? {} : { text: over.text }),
  ...(over.frame === undefined ? {} : { frame: over.frame }),
});

/** The notice's code and message, or the item's kind when it is not a notice. */
function noticeOf(packet: Uint8Array, frame = 7): string {
  const item = decodeHep(packet, frame);
  return item.kind === 'notice' ? `${item.code}: ${item.message}` : `unexpected ${item.kind}`;
}

/** Kamailio's chunk list with one chunk replaced (or, with `undefined`, removed). */
function withChunk(type: number, replacement: HepChunk | undefined, m: HepMessage = base): Uint8Array {
  const chunks = hep3Chunks(m).flatMap((c) => (c.type === type ? (replacement === undefined ? [] : [replacement]) : [c]));
  return encodeHep3Chunks(chunks);
}

describe('HEP3', () => {
  it('decodes Kamailio-shaped IPv4 UDP, TCP and TLS (22) packets exactly', () => {
    expect(decodeHep(encodeHep3(base), 1)).toEqual(sip());
    expect(decodeHep(encodeHep3({ ...base, proto: 6 }), 2)).toEqual(sip({ transport: 'tcp', frame: 2 }));
    expect(decodeHep(encodeHep3({ ...base, proto: 22 }), 3)).toEqual(sip({ transport: 'tcp', frame: 3 }));
  });

  it('decodes IPv6 addresses into RFC 5952 text', () => {
    const m = { ...base, src: '2001:db8:0:0:1:0:0:1', dst: 'fe80::1', proto: 6 };
    expect(decodeHep(encodeHep3(m), 4)).toEqual(sip({ src: '2001:db8::1:0:0:1', srcPort: 5070, dst: 'fe80::1', dstPort: 5060, transport: 'tcp', frame: 4 }));
  });

  it('reads an IPv4-mapped IPv6 address in the IPv4 chunks (as sip3 sends it) as dotted IPv4', () => {
    const mapped = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 28, 2);
    expect(decodeHep(withChunk(0x0003, { type: 0x0003, data: mapped }), 1)).toEqual(sip());
  });

  it('decodes the HEP3 specification\'s example packet, byte for byte', () => {
    // The example packet of sipcapture's "HEP3 Network Protocol Specification", as written
    // out byte by byte in an Erlang HEP library's tests (hep_v3_tests.erl,
    // example_packet_test): 212.202.0.1:12010 -> 82.116.0.211:5060 over UDP, 1313440459 s
    // + 120000 µs, capture id 228, payload "INVITE sip:bob" (shortened by the spec).
    const header = [0x48, 0x45, 0x50, 0x33, 0x00, 0x71];
    const chunks = [
      0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x02,
      0x00, 0x00, 0x00, 0x02, 0x00, 0x07, 0x11,
      0x00, 0x00, 0x00, 0x03, 0x00, 0x0a, 0xd4, 0xca, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x04, 0x00, 0x0a, 0x52, 0x74, 0x00, 0xd3,
      0x00, 0x00, 0x00, 0x07, 0x00, 0x08, 0x2e, 0xea,
      0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x13, 0xc4,
      0x00, 0x00, 0x00, 0x09, 0x00, 0x0a, 0x4e, 0x49, 0x82, 0xcb,
      0x00, 0x00, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x01, 0xd4, 0xc0,
      0x00, 0x00, 0x00, 0x0b, 0x00, 0x07, 0x01,
      0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x00, 0x00, 0xe4,
    ];
    const shortened = [0x00, 0x00, 0x00, 0x0f, 0x00, 0x14, ...new TextEncoder().encode('INVITE sip:bob')];
    const spec = Uint8Array.from([...header, ...chunks, ...shortened]);
    expect(spec.length).toBe(113);
    expect(hepPacketLength(spec, 0)).toBe(113);
    // Shortened, the payload has no SIP/2.0 on its start line: not something to trace.
    expect(noticeOf(spec, 1)).toBe('hep-not-sip: frame 1: HEP packet payload (14 bytes) does not start with a SIP request or status line');
    // The same header and chunks with the whole message the spec shortened.
    const whole = new TextEncoder().encode('INVITE sip:bob@82.116.0.211 SIP/2.0\r\nCall-ID: spec\r\nContent-Length: 0\r\n\r\n');
    const full = Uint8Array.from([...header.slice(0, 4), ...u16be(6 + chunks.length + 6 + whole.length), ...chunks, 0, 0, 0, 0x0f, ...u16be(6 + whole.length), ...whole]);
    expect(decodeHep(full, 2)).toEqual({
      kind: 'sip', timeUs: 1_313_440_459_120_000, src: { address: '212.202.0.1', port: 12010 }, dst: { address: '82.116.0.211', port: 5060 },
      transport: 'udp', text: 'INVITE sip:bob@82.116.0.211 SIP/2.0\r\nCall-ID: spec\r\nContent-Length: 0\r\n\r\n', frame: 2,
    });
  });

  it('inflates a gzip or zlib payload (0x0010), bounded', () => {
    expect(decodeHep(encodeHep3(base, { compress: true }), 1)).toEqual(sip());
    const zlib = withChunk(0x000f, { type: 0x0010, data: new Uint8Array(deflateSync(new TextEncoder().encode(invite))) });
    expect(decodeHep(zlib, 1)).toEqual(sip());
    // A small chunk that would inflate to 1 MiB: refused, not inflated.
    const bomb = new Uint8Array(gzipSync(new Uint8Array(1024 * 1024)));
    expect(bomb.length).toBeLessThan(2048);
    const at = encodeHep3Chunks(hep3Chunks(base).slice(0, -1)).length;
    expect(noticeOf(withChunk(0x000f, { type: 0x0010, data: bomb }))).toBe(`hep-malformed: frame 7: HEP packet chunk 0x0010 at byte ${at} inflates beyond ${MAX_INFLATED_PAYLOAD} bytes`);
    const corrupt = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff);
    expect(noticeOf(withChunk(0x000f, { type: 0x0010, data: corrupt }))).toBe(`hep-malformed: frame 7: HEP packet chunk 0x0010 at byte ${at} is a gzip payload that does not inflate (Z_DATA_ERROR)`);
    expect(noticeOf(withChunk(0x000f, { type: 0x0010, data: new TextEncoder().encode(invite) }))).toBe(`hep-malformed: frame 7: HEP packet chunk 0x0010 at byte ${at} is a compressed payload that is neither gzip nor zlib`);
  });

  it('skips chunks of other vendors and generic chunks it does not use', () => {
    const chunks = hep3Chunks(base);
    const vendor: HepChunk = { vendor: 3, type: 0x000f, data: new TextEncoder().encode('not the payload') };
    const extra: HepChunk[] = [{ type: 0x0011, data: new TextEncoder().encode('correlation') }, { type: 0x000e, data: new TextEncoder().encode('key') }, { type: 0x0012, data: u16be(7) }];
    expect(decodeHep(encodeHep3Chunks([vendor, ...chunks.slice(0, 5), ...extra, ...chunks.slice(5)]), 1)).toEqual(sip());
  });

  it('accepts a packet without microseconds (0) or family, payload-type or capture-id chunks', () => {
    const bare = hep3Chunks(base).filter((c) => ![0x0001, 0x000a, 0x000b, 0x000c].includes(c.type));
    expect(decodeHep(encodeHep3Chunks(bare), 1)).toEqual(sip({ timeUs: 1_765_130_000_000_000 }));
  });

  it('answers every broken HEP3 packet with a located hep-malformed notice', () => {
    const good = encodeHep3(base);
    const chunkAt = (type: number) => encodeHep3Chunks(hep3Chunks(base).slice(0, hep3Chunks(base).findIndex((c) => c.type === type))).length;
    const cases: [Uint8Array, string][] = [
      [good.subarray(0, 5), 'HEP3 header is 5 bytes, needs 6'],
      [concat([good.subarray(0, 4), u16be(5), good.subarray(6)]), 'HEP3 total length 5 is below its own 6-byte header'],
      [good.subarray(0, good.length - 1), `HEP3 total length ${good.length} runs past the ${good.length - 1} bytes received`],
      [encodeHep3Chunks([...hep3Chunks(base), { type: 0x0011, data: new Uint8Array(0) }], good.length + 3), `chunk header at byte ${good.length} runs past the packet's ${good.length + 3} bytes`],
      [withChunk(0x0007, { type: 0x0007, data: u16be(5070), length: 0 }), `chunk 0x0007 at byte ${chunkAt(0x0007)} has length 0, below the 6-byte chunk header`],
      [withChunk(0x0007, { vendor: 9, type: 0x0007, data: u16be(5070), length: 5 }), `chunk 0x0007 (vendor 9) at byte ${chunkAt(0x0007)} has length 5, below the 6-byte chunk header`],
      [withChunk(0x000f, { type: 0x000f, data: new TextEncoder().encode(invite), length: 6 + invite.length + 1 }), `chunk 0x000f at byte ${chunkAt(0x000f)} has length ${7 + invite.length}, running past the packet's ${good.length} bytes`],
      [withChunk(0x0007, { type: 0x0007, data: u8(1) }), `chunk 0x0007 at byte ${chunkAt(0x0007)} carries 1 data bytes, expected 2`],
      [withChunk(0x0003, { type: 0x0003, data: Uint8Array.of(127, 0, 28, 2, 0) }), `chunk 0x0003 at byte ${chunkAt(0x0003)} carries 5 data bytes, expected 4 (or 16 for IPv4-mapped IPv6)`],
      [withChunk(0x0004, { type: 0x0006, data: Uint8Array.of(1, 2, 3, 4) }), `chunk 0x0006 at byte ${chunkAt(0x0004)} carries 4 data bytes, expected 16`],
      [withChunk(0x0009, { type: 0x0009, data: u16be(1) }), `chunk 0x0009 at byte ${chunkAt(0x0009)} carries 2 data bytes, expected 4`],
      [withChunk(0x0002, { type: 0x0002, data: u16be(17) }), `chunk 0x0002 at byte ${chunkAt(0x0002)} carries 2 data bytes, expected 1`],
      [withChunk(0x0003, undefined), 'has no source address (0x0003 or 0x0005)'],
      [encodeHep3Chunks(hep3Chunks(base).filter((c) => ![0x0004, 0x0008, 0x0009, 0x000f, 0x0002].includes(c.type))),
        'has no destination address (0x0004 or 0x0006), no destination port (0x0008), no IP protocol (0x0002), no timestamp (0x0009), no payload (0x000f or 0x0010)'],
      [withChunk(0x0007, undefined), 'has no source port (0x0007)'],
      [new Uint8Array(0), 'starts with neither "HEP3" nor a HEP version 1 or 2 byte (first byte missing: empty packet)'],
      [Uint8Array.of(0x05, 16, 2, 17), 'starts with neither "HEP3" nor a HEP version 1 or 2 byte (first byte 0x05)'],
    ];
    for (const [packet, reason] of cases) expect(noticeOf(packet)).toBe(`hep-malformed: frame 7: HEP packet ${reason}`);
  });

  it('says what a packet carries when it is not SIP', () => {
    expect(noticeOf(encodeHep3({ ...base, payloadType: 5, payload: '{"type":200}' }))).toBe('hep-not-sip: frame 7: HEP packet carries payload type 5 (RTCP), not SIP (type 1)');
    expect(noticeOf(encodeHep3({ ...base, payloadType: 100, payload: 'log line' }))).toBe('hep-not-sip: frame 7: HEP packet carries payload type 100 (log), not SIP (type 1)');
    expect(noticeOf(encodeHep3({ ...base, payloadType: 54, payload: 'x' }))).toBe('hep-not-sip: frame 7: HEP packet carries payload type 54, not SIP (type 1)');
    expect(noticeOf(encodeHep3({ ...base, payload: '\r\n\r\n' }))).toBe('hep-not-sip: frame 7: HEP packet payload (4 bytes) does not start with a SIP request or status line');
    expect(noticeOf(encodeHep3({ ...base, payload: Uint8Array.of(0x16, 3, 1, 0, 0xa5) }))).toBe('hep-not-sip: frame 7: HEP packet payload (5 bytes) does not start with a SIP request or status line');
    expect(noticeOf(encodeHep3({ ...base, proto: 132 }))).toBe('hep-unsupported-transport: frame 7: HEP packet carries SIP over IP protocol 132 (SCTP); surv traces UDP (17) and TCP (6, and 22 for TLS/WebSocket as Kamailio marks them)');
    expect(noticeOf(encodeHep3({ ...base, proto: 99 }))).toBe('hep-unsupported-transport: frame 7: HEP packet carries SIP over IP protocol 99; surv traces UDP (17) and TCP (6, and 22 for TLS/WebSocket as Kamailio marks them)');
  });

  it('never throws, and answers any bytes with SIP or one of its three notices, on the frame given', () => {
    const codes = new Set(['hep-malformed', 'hep-not-sip', 'hep-unsupported-transport']);
    const check = (bytes: Uint8Array, frame: number) => {
      const item = decodeHep(bytes, frame);
      expect(item.frame).toBe(frame);
      if (item.kind === 'notice') expect(codes.has(item.code) && item.message.startsWith(`frame ${frame}: HEP packet `)).toBe(true);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, frame) => check(bytes, frame)), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => check(concat([new TextEncoder().encode('HEP3'), u16be(6 + tail.length), tail]), 1)), { numRuns: 2000 });
    // Every single-byte change of a good packet, v3 and v2.
    for (const good of [encodeHep3(base), encodeHep2(base)]) {
      for (let at = 0; at < good.length; at++) {
        for (const value of [0, 1, 5, 0x7f, 0xff]) {
          const mutated = good.slice();
          mutated[at] = value;
          check(mutated, at);
        }
      }
    }
  });
});

describe('HEP v1 and v2', () => {
  it('decodes Kamailio-shaped v2 (padded time header), packed v2, and v1 (no time)', () => {
    expect(decodeHep(encodeHep2(base), 1)).toEqual(sip());
    expect(decodeHep(encodeHep2(base, { packedTime: true }), 1)).toEqual(sip());
    expect(decodeHep(encodeHep2({ ...base, proto: 6 }, { version: 1 }), 1)).toEqual(sip({ transport: 'tcp', timeUs: 0 }));
    expect(decodeHep(encodeHep2({ ...base, src: '2001:db8::28:2', dst: '2001:db8::28:1' }), 1)).toEqual(sip({ src: '2001:db8::28:2', srcPort: 5070, dst: '2001:db8::28:1', dstPort: 5060 }));
  });

  it('decodes sip3\'s HEPv2 test packet byte for byte', () => {
    // PACKET_1 of sip3io/sip3-salto-ce src/test/kotlin/io/sip3/salto/ce/decoder/HepDecoderTest.kt
    // (Apache-2.0): v2, IPv4 UDP 10.0.0.4:5060 -> 10.0.0.4:5062, little-endian seconds and
    // microseconds, capture id 1, two bytes of padding, then "SIP/2.0" (shortened).
    const head = [
      0x02, 0x10, 0x02, 0x11, 0x13, 0xc4, 0x13, 0xc6, 0x0a, 0x00, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x04,
      0x2e, 0x6f, 0xa7, 0x5d, 0x94, 0xad, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    ];
    const original = Uint8Array.from([...head, ...new TextEncoder().encode('SIP/2.0')]);
    expect(looksLikeHep(original)).toBe(true);
    expect(noticeOf(original, 3)).toBe('hep-not-sip: frame 3: HEP packet payload (7 bytes) does not start with a SIP request or status line');
    const text = 'SIP/2.0 200 OK\r\nCall-ID: sip3\r\nContent-Length: 0\r\n\r\n';
    expect(decodeHep(Uint8Array.from([...head, ...new TextEncoder().encode(text)]), 4)).toEqual({
      kind: 'sip', timeUs: 1_571_254_062_044_436, src: { address: '10.0.0.4', port: 5060 }, dst: { address: '10.0.0.4', port: 5062 }, transport: 'udp', text, frame: 4,
    });
  });

  it('answers every broken v1/v2 packet with a located hep-malformed notice', () => {
    const good = encodeHep2(base);
    const cases: [Uint8Array, string][] = [
      [good.subarray(0, 7), 'HEP2 header is 7 bytes, needs 8'],
      [Uint8Array.of(1, 16, 7, 17, 0, 1, 0, 2), 'HEP1 address family 7 is neither IPv4 (2) nor IPv6 (10)'],
      [concat([Uint8Array.of(2, 40), good.subarray(2)]), 'HEP2 header length 40 does not match IPv4 (16)'],
      [concat([Uint8Array.of(2, 16, 10), good.subarray(3)]), 'HEP2 header length 16 does not match IPv6 (40)'],
      [good.subarray(0, 12), 'HEP2 addresses run past the 12 bytes received'],
      [good.subarray(0, 25), 'HEP2 time header runs past the 25 bytes received'],
      [concat([good.subarray(0, 20), u32be(0x40420f00), good.subarray(24)]), 'HEP2 microseconds 1000000 exceed 999999 (a big-endian sender?)'],
    ];
    for (const [packet, reason] of cases) expect(noticeOf(packet)).toBe(`hep-malformed: frame 7: HEP packet ${reason}`);
  });
});

describe('what Kamailio 5.6.3 sends', () => {
  // Datagrams Kamailio 5.6.3's siptrace (trace_mode 1, hep_mode_on 1, hep_capture_id 2801)
  // sent to 127.0.28.9:9060 on this machine, captured with tcpdump on lo while
  // test/kamailio/trace-hep.test.ts ran: its readiness OPTIONS, received from 127.0.28.1.
  const options = (port: number, callId: string) => [
    'OPTIONS sip:127.0.28.1:5060 SIP/2.0', `Via: SIP/2.0/UDP 127.0.28.1:${port};branch=z9hG4bK${callId}`, 'Max-Forwards: 70',
    'From: <sip:ready@127.0.28.1>;tag=r', 'To: <sip:127.0.28.1:5060>', `Call-ID: ${callId}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n');

  it('decodes its HEP3 datagram (family, proto, IPv4, ports, time, payload type, capture id, payload)', () => {
    const v3 = Buffer.from('SEVQMwFSAAAAAQAHAgAAAAIABxEAAAADAAp/ABwBAAAABAAKfwAcAQAAAAcACMBlAAAACAAIE8QAAAAJAAprFvf4AAAACgAKAAeXKgAAAAsABwEAAAAMAAoAAArxAAAADwD1T1BUSU9OUyBzaXA6MTI3LjAuMjguMTo1MDYwIFNJUC8yLjANClZpYTogU0lQLzIuMC9VRFAgMTI3LjAuMjguMTo0OTI1MzticmFuY2g9ejloRzRiS3JlYWR5MXg4NjY3DQpNYXgtRm9yd2FyZHM6IDcwDQpGcm9tOiA8c2lwOnJlYWR5QDEyNy4wLjI4LjE+O3RhZz1yDQpUbzogPHNpcDoxMjcuMC4yOC4xOjUwNjA+DQpDYWxsLUlEOiByZWFkeTF4ODY2Nw0KQ1NlcTogMSBPUFRJT05TDQpDb250ZW50LUxlbmd0aDogMA0KDQo=', 'base64');
    expect(v3.length).toBe(338);
    expect(hepPacketLength(v3, 0)).toBe(338);
    expect(decodeHep(v3, 12)).toEqual({
      kind: 'sip', timeUs: 1_796_667_384_497_450, src: { address: '127.0.28.1', port: 49253 }, dst: { address: '127.0.28.1', port: 5060 },
      transport: 'udp', text: options(49253, 'ready1x8667'), frame: 12,
    });
  });

  it('decodes its HEP2 datagram (little-endian time, capture id 2801, two bytes of padding)', () => {
    const v2 = Buffer.from('AhACEc7bE8R/ABwBfwAcAe73FmvoLAYA8QoAAE9QVElPTlMgc2lwOjEyNy4wLjI4LjE6NTA2MCBTSVAvMi4wDQpWaWE6IFNJUC8yLjAvVURQIDEyNy4wLjI4LjE6NTI5NTU7YnJhbmNoPXo5aEc0YktyZWFkeTJ4ODQ0MQ0KTWF4LUZvcndhcmRzOiA3MA0KRnJvbTogPHNpcDpyZWFkeUAxMjcuMC4yOC4xPjt0YWc9cg0KVG86IDxzaXA6MTI3LjAuMjguMTo1MDYwPg0KQ2FsbC1JRDogcmVhZHkyeDg0NDENCkNTZXE6IDEgT1BUSU9OUw0KQ29udGVudC1MZW5ndGg6IDANCg0K', 'base64');
    expect([...v2.subarray(16, 28)]).toEqual([0xee, 0xf7, 0x16, 0x6b, 0xe8, 0x2c, 0x06, 0x00, 0xf1, 0x0a, 0x00, 0x00]);
    expect(looksLikeHep(v2)).toBe(true);
    expect(decodeHep(v2, 3)).toEqual({
      kind: 'sip', timeUs: 1_796_667_374_404_712, src: { address: '127.0.28.1', port: 52955 }, dst: { address: '127.0.28.1', port: 5060 },
      transport: 'udp', text: options(52955, 'ready2x8441'), frame: 3,
    });
  });
});

describe('hepPacketLength and looksLikeHep', () => {
  it('splits HEP3 packets back to back and refuses what cannot be split', () => {
    const a = encodeHep3(base);
    const b = encodeHep3({ ...base, src: '::1', dst: '::2' }, { compress: true });
    const file = concat([a, b, Uint8Array.of(0x48, 0x45, 0x50)]);
    expect(hepPacketLength(file, 0)).toBe(a.length);
    expect(hepPacketLength(file, a.length)).toBe(b.length);
    expect(decodeHep(file.subarray(a.length, a.length + b.length), 2)).toEqual(sip({ src: '::1', srcPort: 5070, dst: '::2', dstPort: 5060, frame: 2 }));
    expect(hepPacketLength(file, a.length + b.length)).toBeUndefined(); // 3 bytes left
    expect(hepPacketLength(file, 1)).toBeUndefined(); // not at a "HEP3"
    expect(hepPacketLength(file, -1)).toBeUndefined();
    expect(hepPacketLength(concat([a.subarray(0, 4), u16be(0)]), 0)).toBeUndefined(); // would not advance
    expect(hepPacketLength(concat([a.subarray(0, 4), u16be(6)]), 0)).toBe(6);
    expect(hepPacketLength(encodeHep2(base), 0)).toBeUndefined(); // v2 declares no total length
  });

  it('recognises HEP3 and v1/v2 headers, not SIP or other bytes', () => {
    expect(looksLikeHep(encodeHep3(base))).toBe(true);
    expect(looksLikeHep(encodeHep2(base))).toBe(true);
    expect(looksLikeHep(encodeHep2(base, { version: 1 }))).toBe(true);
    expect(looksLikeHep(encodeHep2({ ...base, src: '::1', dst: '::2' }))).toBe(true);
    expect(looksLikeHep(new TextEncoder().encode(invite))).toBe(false);
    expect(looksLikeHep(Uint8Array.of(2, 16, 2, 17, 0, 0, 0))).toBe(false);
    expect(looksLikeHep(Uint8Array.of(2, 40, 2, 17, 0, 0, 0, 0))).toBe(false);
    expect(looksLikeHep(Uint8Array.of(3, 16, 2, 17, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8))).toBe(false);
    expect(looksLikeHep(new Uint8Array(0))).toBe(false);
  });
});
