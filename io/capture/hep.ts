// HEP (Homer Encapsulation Protocol) v1, v2 and v3: the packets Kamailio's siptrace,
// heplify, captagent and other capture agents send (docs/trace.md, "HEP"). Each packet
// carries one SIP message with the addresses, ports, transport and time it was seen with,
// so the packet around it (the HEP socket's own addresses) says nothing about the call.
//
// Layouts, as Kamailio 5.6 writes and reads them (src/modules/siptrace/siptrace_hep.c,
// src/modules/sipcapture/hep.c and hep.h), checked against Kamailio's real packets in
// test/kamailio/trace-hep.test.ts:
// - v3: "HEP3", u16 total length (network order, header included), then chunks of
//   u16 vendor, u16 type, u16 length (the 6-byte chunk header included), all network
//   order. Vendor 0 is the generic set below; any other vendor's chunks are skipped.
// - v1/v2: u8 version, u8 header length (this 8-byte header plus the addresses: 16 for
//   IPv4, 40 for IPv6), u8 address family, u8 IP protocol, u16 source and destination
//   port (network order), the two addresses; v2 then a C `struct hep_timehdr` { u32
//   seconds, u32 microseconds, u16 capture id } in the sender's byte order, which is 12
//   bytes with the compiler's padding (10 from a sender that packs it), little-endian
//   from every x86/ARM agent; the SIP message is the rest. v1/v2 carry no total length,
//   so only a datagram delimits them.
import { gunzipSync, inflateSync } from 'node:zlib';
import type { CaptureItem, CaptureTransport } from '../../engines/trace/capture.js';
import { ipv4Text, ipv6Text } from './ip.js';
import { startsLikeSip } from './sip.js';

/** An inflated (0x0010) payload larger than this is refused: a SIP message over UDP is far smaller, and a zip bomb must not grow memory. */
export const MAX_INFLATED_PAYLOAD = 64 * 1024;

const HEP3_MAGIC = [0x48, 0x45, 0x50, 0x33]; // "HEP3"
const CHUNK_HEADER = 6;
const utf8 = new TextDecoder('utf-8');
const V2_HEADER = 8;

/** The generic (vendor 0) chunk types surv reads; the rest of the generic set is skipped. */
const CHUNK = {
  family: 0x0001,
  ipProto: 0x0002,
  src4: 0x0003,
  dst4: 0x0004,
  src6: 0x0005,
  dst6: 0x0006,
  srcPort: 0x0007,
  dstPort: 0x0008,
  seconds: 0x0009,
  micros: 0x000a,
  payloadType: 0x000b,
  payload: 0x000f,
  compressed: 0x0010,
} as const;

/** HEP's payload types (chunk 0x000b) by number, for the notice on a packet that is not SIP. */
const PAYLOAD_TYPES: Readonly<Record<number, string>> = {
  1: 'SIP', 2: 'XMPP', 3: 'SDP', 4: 'RTP', 5: 'RTCP', 6: 'MGCP', 7: 'MEGACO', 8: 'M2UA', 9: 'M3UA', 10: 'IAX', 100: 'log',
};

/** AF_INET is 2 everywhere; AF_INET6 is 10 on Linux, 23 on Windows, 24/28/30 on the BSDs and macOS. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 23, 24, 28, 30]);

/**
 * Kamailio's siptrace marks TLS and WebSocket with IPPROTO_IDP (22), a placeholder: the
 * payload is the decrypted SIP, carried over TCP.
 */
const TRANSPORTS: Readonly<Record<number, CaptureTransport>> = { 17: 'udp', 6: 'tcp', 22: 'tcp' };
const PROTO_NAMES: Readonly<Record<number, string>> = { 132: 'SCTP', 1: 'ICMP', 58: 'ICMPv6' };

/** True when `payload` starts like a HEP v1/v2/v3 packet (what a UDP payload on a HEP port carries). */
export function looksLikeHep(payload: Uint8Array): boolean {
  if (payload.length >= CHUNK_HEADER && HEP3_MAGIC.every((b, i) => payload[i] === b)) return true;
  if (payload.length < V2_HEADER) return false;
  const [version, headerLength, family] = [payload[0], payload[1], payload[2]];
  if (version !== 1 && version !== 2) return false;
  if (family === AF_INET) return headerLength === V2_HEADER + 8 && payload.length >= headerLength;
  return family !== undefined && AF_INET6.has(family) && headerLength === V2_HEADER + 32 && payload.length >= headerLength;
}

/**
 * The length of the HEP3 packet that starts at `offset` in `buf` (its header's total
 * length, header included), so a file of packets back to back can be split. Undefined
 * when the bytes there are not a usable HEP3 header: fewer than 6 bytes, no "HEP3"
 * magic, or a declared length below the 6-byte header (which could not advance). HEP
 * v1/v2 packets declare no total length and cannot be split out of a stream: undefined.
 */
export function hepPacketLength(buf: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + CHUNK_HEADER > buf.length) return undefined;
  for (let i = 0; i < 4; i++) if (buf[offset + i] !== HEP3_MAGIC[i]) return undefined;
  const length = u16(buf, offset + 4);
  return length < CHUNK_HEADER ? undefined : length;
}

/**
 * The SIP message one HEP packet carries (its addresses, ports, transport and capture
 * time come from the HEP header, not the packet around it), or a notice for a packet it
 * cannot use: `hep-malformed` (truncated, a bad chunk, a missing address), `hep-not-sip`
 * (another payload type, or a payload that does not start like SIP), or
 * `hep-unsupported-transport` (SCTP and the like). `frame` is the capture frame (or
 * datagram count) the packet came in. Never throws.
 */
export function decodeHep(packet: Uint8Array, frame: number): CaptureItem {
  if (packet.length >= 4 && HEP3_MAGIC.every((b, i) => packet[i] === b)) return decodeV3(packet, frame);
  const version = packet[0];
  if (version === 1 || version === 2) return decodeV2(packet, frame, version);
  return malformed(frame, `starts with neither "HEP3" nor a HEP version 1 or 2 byte (first byte ${version === undefined ? 'missing: empty packet' : hexByte(version)})`);
}

/** What a packet must say for surv to trace its message. */
interface Fields { src: string; dst: string; srcPort: number; dstPort: number; proto: number; seconds: number; payload: Uint8Array }
type Found = Partial<Fields> & { micros?: number; payloadType?: number };

function decodeV3(packet: Uint8Array, frame: number): CaptureItem {
  if (packet.length < CHUNK_HEADER) return malformed(frame, `HEP3 header is ${packet.length} bytes, needs 6`);
  const total = u16(packet, 4);
  if (total < CHUNK_HEADER) return malformed(frame, `HEP3 total length ${total} is below its own 6-byte header`);
  if (total > packet.length) return malformed(frame, `HEP3 total length ${total} runs past the ${packet.length} bytes received`);
  const found: Found = {};
  for (let at = CHUNK_HEADER; at < total;) {
    if (at + CHUNK_HEADER > total) return malformed(frame, `chunk header at byte ${at} runs past the packet's ${total} bytes`);
    const vendor = u16(packet, at);
    const type = u16(packet, at + 2);
    const length = u16(packet, at + 4);
    const where = (chunkAt: number) => `chunk ${chunkName(vendor, type)} at byte ${chunkAt}`;
    // A length below the header would not advance: the packet is broken from here on.
    if (length < CHUNK_HEADER) return malformed(frame, `${where(at)} has length ${length}, below the 6-byte chunk header`);
    if (at + length > total) return malformed(frame, `${where(at)} has length ${length}, running past the packet's ${total} bytes`);
    const data = packet.subarray(at + CHUNK_HEADER, at + length);
    at += length;
    if (vendor !== 0) continue;
    const problem = readChunk(type, data, found);
    if (problem !== undefined) return malformed(frame, `${where(at - length)} ${problem}`);
  }
  if (found.payloadType !== undefined && found.payloadType !== 1) {
    const name = PAYLOAD_TYPES[found.payloadType];
    return notice('hep-not-sip', frame, `carries payload type ${found.payloadType}${name === undefined ? '' : ` (${name})`}, not SIP (type 1)`);
  }
  const complete = found.src !== undefined && found.dst !== undefined && found.srcPort !== undefined && found.dstPort !== undefined
    && found.proto !== undefined && found.seconds !== undefined && found.payload !== undefined;
  if (complete) return sipItem(frame, found as Fields, found.micros ?? 0);
  const missing = [
    found.src === undefined && 'source address (0x0003 or 0x0005)',
    found.dst === undefined && 'destination address (0x0004 or 0x0006)',
    found.srcPort === undefined && 'source port (0x0007)',
    found.dstPort === undefined && 'destination port (0x0008)',
    found.proto === undefined && 'IP protocol (0x0002)',
    found.seconds === undefined && 'timestamp (0x0009)',
    found.payload === undefined && 'payload (0x000f or 0x0010)',
  ].filter((m): m is string => m !== false);
  return malformed(frame, `has no ${missing.join(', no ')}`);
}

/** Reads one generic chunk into `found`; a reason when its data does not fit its type. */
function readChunk(type: number, data: Uint8Array, found: Found): string | undefined {
  const need = (n: number): string | undefined => (data.length === n ? undefined : `carries ${data.length} data bytes, expected ${n}`);
  switch (type) {
    case CHUNK.ipProto: return need(1) ?? void (found.proto = data[0]);
    case CHUNK.payloadType: return need(1) ?? void (found.payloadType = data[0]);
    // Some agents send an IPv4 address as 16 bytes of IPv4-mapped IPv6 here (sip3's HEP tests do).
    case CHUNK.src4: return ipv4Chunk(data) ?? void (found.src = ipv4OrMapped(data));
    case CHUNK.dst4: return ipv4Chunk(data) ?? void (found.dst = ipv4OrMapped(data));
    case CHUNK.src6: return need(16) ?? void (found.src = ipv6Text(data, 0));
    case CHUNK.dst6: return need(16) ?? void (found.dst = ipv6Text(data, 0));
    case CHUNK.srcPort: return need(2) ?? void (found.srcPort = u16(data, 0));
    case CHUNK.dstPort: return need(2) ?? void (found.dstPort = u16(data, 0));
    case CHUNK.seconds: return need(4) ?? void (found.seconds = u32(data, 0));
    case CHUNK.micros: return need(4) ?? void (found.micros = u32(data, 0));
    case CHUNK.payload: found.payload = data; return undefined;
    case CHUNK.compressed: {
      const inflated = inflate(data);
      if (typeof inflated === 'string') return inflated;
      found.payload = inflated;
      return undefined;
    }
    // Family (0x0001) is implied by the address chunks; capture id, keep-alive timer,
    // auth key, correlation id, VLAN, node name...: nothing surv traces by.
    default: return undefined;
  }
}

function ipv4Chunk(data: Uint8Array): string | undefined {
  return data.length === 4 || data.length === 16 ? undefined : `carries ${data.length} data bytes, expected 4 (or 16 for IPv4-mapped IPv6)`;
}

function ipv4OrMapped(data: Uint8Array): string {
  if (data.length === 4) return ipv4Text(data, 0);
  const mapped = data.subarray(0, 10).every((b) => b === 0) && data[10] === 0xff && data[11] === 0xff;
  return mapped ? ipv4Text(data, 12) : ipv6Text(data, 0);
}

/** gzip or zlib (both are in use for 0x0010), bounded; a reason when it is neither or too big. */
function inflate(data: Uint8Array): Uint8Array | string {
  const gzip = data[0] === 0x1f && data[1] === 0x8b;
  const zlib = data.length >= 2 && ((data[0] ?? 0) & 0x0f) === 8 && (((data[0] ?? 0) << 8) | (data[1] ?? 0)) % 31 === 0;
  if (!gzip && !zlib) return 'is a compressed payload that is neither gzip nor zlib';
  try {
    const options = { maxOutputLength: MAX_INFLATED_PAYLOAD };
    return gzip ? gunzipSync(data, options) : inflateSync(data, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return `inflates beyond ${MAX_INFLATED_PAYLOAD} bytes`;
    return `is a ${gzip ? 'gzip' : 'zlib'} payload that does not inflate (${String(code ?? 'corrupt data')})`;
  }
}

function decodeV2(packet: Uint8Array, frame: number, version: 1 | 2): CaptureItem {
  const label = `HEP${version}`;
  if (packet.length < V2_HEADER) return malformed(frame, `${label} header is ${packet.length} bytes, needs 8`);
  const headerLength = packet[1] ?? 0;
  const family = packet[2] ?? 0;
  const addressBytes = family === AF_INET ? 4 : AF_INET6.has(family) ? 16 : undefined;
  if (addressBytes === undefined) return malformed(frame, `${label} address family ${family} is neither IPv4 (2) nor IPv6 (10)`);
  const expected = V2_HEADER + 2 * addressBytes;
  if (headerLength !== expected) return malformed(frame, `${label} header length ${headerLength} does not match ${family === AF_INET ? 'IPv4' : 'IPv6'} (${expected})`);
  if (packet.length < headerLength) return malformed(frame, `${label} addresses run past the ${packet.length} bytes received`);
  const format = family === AF_INET ? ipv4Text : ipv6Text;
  const src = format(packet, V2_HEADER);
  const dst = format(packet, V2_HEADER + addressBytes);
  let seconds = 0;
  let micros = 0;
  let payloadAt = headerLength;
  if (version === 2) {
    if (packet.length < headerLength + 10) return malformed(frame, `HEP2 time header runs past the ${packet.length} bytes received`);
    seconds = u32le(packet, headerLength);
    micros = u32le(packet, headerLength + 4);
    if (micros > 999_999) return malformed(frame, `HEP2 microseconds ${micros} exceed 999999 (a big-endian sender?)`);
    // Padded to 12 bytes as C compilers lay the struct out (Kamailio zeroes the padding),
    // unless the sender packed it: then the message starts right after the capture id.
    const zeroPadding = packet[headerLength + 10] === 0 && packet[headerLength + 11] === 0;
    payloadAt = zeroPadding || !looksLikeSip(packet.subarray(headerLength + 10)) ? headerLength + 12 : headerLength + 10;
  }
  return sipItem(frame, {
    src, dst, srcPort: u16(packet, 4), dstPort: u16(packet, 6), proto: packet[3] ?? 0, seconds,
    payload: packet.subarray(Math.min(payloadAt, packet.length)),
  }, micros);
}

function sipItem(frame: number, found: Fields, micros: number): CaptureItem {
  const transport = TRANSPORTS[found.proto];
  if (transport === undefined) {
    const name = PROTO_NAMES[found.proto];
    return notice('hep-unsupported-transport', frame, `carries SIP over IP protocol ${found.proto}${name === undefined ? '' : ` (${name})`}; surv traces UDP (17) and TCP (6, and 22 for TLS/WebSocket as Kamailio marks them)`);
  }
  if (!looksLikeSip(found.payload)) {
    return notice('hep-not-sip', frame, `payload (${found.payload.length} bytes) does not start with a SIP request or status line`);
  }
  return {
    kind: 'sip',
    timeUs: found.seconds * 1_000_000 + micros,
    src: { address: found.src, port: found.srcPort },
    dst: { address: found.dst, port: found.dstPort },
    transport,
    text: utf8.decode(found.payload),
    frame,
  };
}

/** A whole SIP request or status line at the payload's start. */
function looksLikeSip(payload: Uint8Array): boolean {
  return startsLikeSip(payload, 0, payload.length) === 1;
}

function malformed(frame: number, reason: string): CaptureItem {
  return notice('hep-malformed', frame, reason);
}

function notice(code: string, frame: number, what: string): CaptureItem {
  return { kind: 'notice', code, message: `frame ${frame}: HEP packet ${what}`, frame };
}

function chunkName(vendor: number, type: number): string {
  return vendor === 0 ? hex16(type) : `${hex16(type)} (vendor ${vendor})`;
}

function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) >>> 0) + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0));
}

function u32le(b: Uint8Array, at: number): number {
  return (((b[at + 3] ?? 0) << 24) >>> 0) + (((b[at + 2] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at] ?? 0));
}
