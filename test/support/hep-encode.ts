// HEP packets for tests, written independently of io/capture/hep.ts so a decoder bug is
// not mirrored by its own encoder: v3 as chunk lists (any chunk can be left out, broken
// or added), v1/v2 laid out as Kamailio 5.6's siptrace writes them (struct hep_hdr,
// in_addr pair, then v2's padded struct hep_timehdr in little-endian order).
import { isIPv4, isIPv6 } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface HepMessage {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** IP protocol: 17 UDP (default), 6 TCP, 22 what Kamailio sends for TLS/WebSocket. */
  readonly proto?: number;
  readonly seconds: number;
  readonly micros: number;
  readonly payload: string | Uint8Array;
  /** HEP3 payload type (chunk 0x000b); default 1 (SIP). */
  readonly payloadType?: number;
  readonly captureId?: number;
}

/** One raw HEP3 chunk: vendor, type, data. `length` overrides the chunk's length field (to break it). */
export interface HepChunk {
  readonly vendor?: number;
  readonly type: number;
  readonly data: Uint8Array;
  readonly length?: number;
}

export function u8(n: number): Uint8Array {
  return Uint8Array.of(n);
}

export function u16be(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

export function u32be(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

function u32le(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
}

/** The 4 or 16 bytes of an address in text form (IPv6 with `::` allowed). */
export function addressBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  const [head = '', tail] = address.split('::');
  const part = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function bytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}

/** The chunks Kamailio 5.6's siptrace sends, in its order (siptrace_hep.c, trace_send_hep3_duplicate). */
export function hep3Chunks(m: HepMessage, options: { compress?: boolean } = {}): HepChunk[] {
  const v6 = isIPv6(m.src);
  return [
    { type: 0x0001, data: u8(v6 ? 10 : 2) },
    { type: 0x0002, data: u8(m.proto ?? 17) },
    { type: v6 ? 0x0005 : 0x0003, data: addressBytes(m.src) },
    { type: v6 ? 0x0006 : 0x0004, data: addressBytes(m.dst) },
    { type: 0x0007, data: u16be(m.srcPort) },
    { type: 0x0008, data: u16be(m.dstPort) },
    { type: 0x0009, data: u32be(m.seconds) },
    { type: 0x000a, data: u32be(m.micros) },
    { type: 0x000b, data: u8(m.payloadType ?? 1) },
    { type: 0x000c, data: u32be(m.captureId ?? 2001) },
    options.compress
      ? { type: 0x0010, data: new Uint8Array(gzipSync(bytes(m.payload))) }
      : { type: 0x000f, data: bytes(m.payload) },
  ];
}

/** A HEP3 packet of these chunks; `totalLength` overrides the header's length field. */
export function encodeHep3Chunks(chunks: readonly HepChunk[], totalLength?: number): Uint8Array {
  const body = concat(chunks.map((c) => concat([u16be(c.vendor ?? 0), u16be(c.type), u16be(c.length ?? 6 + c.data.length), c.data])));
  return concat([new TextEncoder().encode('HEP3'), u16be(totalLength ?? 6 + body.length), body]);
}

export function encodeHep3(m: HepMessage, options: { compress?: boolean } = {}): Uint8Array {
  return encodeHep3Chunks(hep3Chunks(m, options));
}

/**
 * A HEP v1 or v2 packet as Kamailio 5.6 writes it: v2's time header is C's padded
 * struct (12 bytes: seconds, microseconds, u16 capture id, 2 bytes of padding) unless
 * `packedTime` (10 bytes, as a sender that packs the struct writes it).
 */
export function encodeHep2(m: HepMessage, options: { version?: 1 | 2; packedTime?: boolean } = {}): Uint8Array {
  const version = options.version ?? 2;
  const v6 = isIPv6(m.src);
  const header = Uint8Array.of(version, v6 ? 40 : 16, v6 ? 10 : 2, m.proto ?? 17);
  const captureId = m.captureId ?? 2001;
  const time = version === 1 ? new Uint8Array(0)
    : concat([u32le(m.seconds), u32le(m.micros), Uint8Array.of(captureId & 0xff, captureId >> 8), options.packedTime ? new Uint8Array(0) : new Uint8Array(2)]);
  return concat([header, u16be(m.srcPort), u16be(m.dstPort), addressBytes(m.src), addressBytes(m.dst), time, bytes(m.payload)]);
}
