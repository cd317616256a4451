// A small capture writer for tests and benchmarks: link-layer frames (Ethernet with VLAN
// tags, Linux cooked v1/v2, raw IP, BSD loopback), IPv4/IPv6 (extension headers,
// fragmenting), UDP and TCP segments, and pcap (both byte orders, µs and ns) and pcapng
// (several sections and interfaces, any if_tsresol) files, plus HEP v3 packets.
// Checksums of UDP and TCP are left zero: neither surv nor tshark (by default) checks them.

export const link = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

export function ipv4Bytes(address: string): Buffer {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`not an IPv4 address: ${address}`);
  return Buffer.from(parts);
}

export function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (all.length !== 8) throw new Error(`not an IPv6 address: ${address}`);
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, 2 * i));
  return out;
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export interface Ipv4Options {
  readonly id?: number;
  readonly ttl?: number;
  /** IP options (padded to 4 bytes here). */
  readonly options?: Uint8Array;
  /** Fragment offset in bytes (a multiple of 8) and the more-fragments flag. */
  readonly fragmentOffset?: number;
  readonly moreFragments?: boolean;
}

export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, o: Ipv4Options = {}): Buffer {
  const options = o.options ? Buffer.concat([o.options, Buffer.alloc((4 - (o.options.length % 4)) % 4)]) : Buffer.alloc(0);
  const header = Buffer.alloc(20 + options.length);
  header[0] = 0x40 | (header.length / 4);
  header.writeUInt16BE(header.length + payload.length, 2);
  header.writeUInt16BE(o.id ?? 0x1234, 4);
  header.writeUInt16BE(((o.moreFragments ? 1 : 0) << 13) | ((o.fragmentOffset ?? 0) / 8), 6);
  header[8] = o.ttl ?? 64;
  header[9] = proto;
  ipv4Bytes(src).copy(header, 12);
  ipv4Bytes(dst).copy(header, 16);
  options.copy(header, 20);
  header.writeUInt16BE(checksum(header), 10);
  return concat([header, payload]);
}

/** An IPv6 extension header: `type` is its own protocol number (0, 43, 60, 51). */
export interface Extension {
  readonly type: number;
  /** Body after the next-header and length bytes; padded here to the header's unit. */
  readonly body?: Uint8Array;
}

function extensionBytes(ext: Extension, next: number): Buffer {
  const body = Buffer.from(ext.body ?? new Uint8Array(6));
  if (ext.type === 51) {
    const padded = Buffer.concat([body, Buffer.alloc((4 - ((2 + body.length) % 4)) % 4)]);
    const total = 2 + padded.length;
    return Buffer.concat([Buffer.from([next, total / 4 - 2]), padded]);
  }
  const padded = Buffer.concat([body, Buffer.alloc((8 - ((2 + body.length) % 8)) % 8)]);
  const total = 2 + padded.length;
  return Buffer.concat([Buffer.from([next, total / 8 - 1]), padded]);
}

/** Extension headers then `payload` (of protocol `next`), as the bytes after the fixed IPv6 header. */
export function ipv6Chain(extensions: readonly Extension[], next: number, payload: Uint8Array): { first: number; bytes: Buffer } {
  let bytes: Buffer = Buffer.from(payload);
  let following = next;
  for (let i = extensions.length - 1; i >= 0; i--) {
    const ext = extensions[i] as Extension;
    bytes = concat([extensionBytes(ext, following), bytes]);
    following = ext.type;
  }
  return { first: following, bytes };
}

export function ipv6(src: string, dst: string, next: number, payload: Uint8Array, extensions: readonly Extension[] = []): Buffer {
  const chain = ipv6Chain(extensions, next, payload);
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(chain.bytes.length, 4);
  header[6] = chain.first;
  header[7] = 64;
  ipv6Bytes(src).copy(header, 8);
  ipv6Bytes(dst).copy(header, 24);
  return concat([header, chain.bytes]);
}

/** `payload` (a transport segment) split into IPv4 fragments of at most `size` payload bytes (a multiple of 8). */
export function ipv4Fragments(src: string, dst: string, proto: number, payload: Uint8Array, size: number, id: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < payload.length; offset += size) {
    const piece = payload.subarray(offset, offset + size);
    out.push(ipv4(src, dst, proto, piece, { id, fragmentOffset: offset, moreFragments: offset + size < payload.length }));
  }
  return out;
}

/**
 * `payload` (of protocol `next`, after `inner` extension headers that travel in the
 * fragmentable part) split into IPv6 fragments of at most `size` bytes (a multiple of 8),
 * each with `outer` extension headers before the fragment header.
 */
export function ipv6Fragments(src: string, dst: string, next: number, payload: Uint8Array, size: number, id: number, outer: readonly Extension[] = [], inner: readonly Extension[] = []): Buffer[] {
  const chain = ipv6Chain(inner, next, payload);
  const out: Buffer[] = [];
  for (let offset = 0; offset < chain.bytes.length; offset += size) {
    const piece = chain.bytes.subarray(offset, offset + size);
    const fragmentHeader = Buffer.alloc(8);
    fragmentHeader[0] = chain.first;
    fragmentHeader.writeUInt16BE(offset | (offset + size < chain.bytes.length ? 1 : 0), 2);
    fragmentHeader.writeUInt32BE(id, 4);
    const withFragment = concat([fragmentHeader, piece]);
    const outerChain = ipv6Chain(outer, 44, withFragment);
    const header = Buffer.alloc(40);
    header[0] = 0x60;
    header.writeUInt16BE(outerChain.bytes.length, 4);
    header[6] = outerChain.first;
    header[7] = 64;
    ipv6Bytes(src).copy(header, 8);
    ipv6Bytes(dst).copy(header, 24);
    out.push(concat([header, outerChain.bytes]));
  }
  return out;
}

export function udp(sport: number, dport: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header.writeUInt16BE(sport, 0);
  header.writeUInt16BE(dport, 2);
  header.writeUInt16BE(8 + body.length, 4);
  return concat([header, body]);
}

export function tcp(sport: number, dport: number, seq: number, payload: Uint8Array | string = '', flags = TCP_ACK | TCP_PSH, ack = 1): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(20);
  header.writeUInt16BE(sport, 0);
  header.writeUInt16BE(dport, 2);
  header.writeUInt32BE(seq >>> 0, 4);
  header.writeUInt32BE(ack >>> 0, 8);
  header[12] = 5 << 4;
  header[13] = flags;
  header.writeUInt16BE(65535, 14);
  return concat([header, body]);
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

/** The ethertype for an IP packet, from its version nibble. */
export function etherTypeOf(ip: Uint8Array): number {
  return (ip[0] as number) >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
}

/** Ethernet II; each VLAN tag is [TPID, TCI] (0x8100 for 802.1Q, 0x88a8 for 802.1ad). */
export function ethernet(ip: Uint8Array, vlans: readonly (readonly [number, number])[] = []): Buffer {
  const header = Buffer.alloc(12 + 4 * vlans.length + 2);
  Buffer.from([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]).copy(header, 0);
  vlans.forEach(([tpid, tci], i) => {
    header.writeUInt16BE(tpid, 12 + 4 * i);
    header.writeUInt16BE(tci, 14 + 4 * i);
  });
  header.writeUInt16BE(etherTypeOf(ip), header.length - 2);
  return concat([header, ip]);
}

/** Linux cooked capture v1 (what `tcpdump -i any` wrote before libpcap 1.10). */
export function sll(ip: Uint8Array): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(0, 0); // sent to us
  header.writeUInt16BE(772, 2); // ARPHRD_LOOPBACK
  header.writeUInt16BE(6, 4);
  header.writeUInt16BE(etherTypeOf(ip), 14);
  return concat([header, ip]);
}

/** Linux cooked capture v2 (`tcpdump -i any` on Debian bookworm). */
export function sll2(ip: Uint8Array, ifIndex = 1): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(etherTypeOf(ip), 0);
  header.writeUInt32BE(ifIndex, 4);
  header.writeUInt16BE(772, 8);
  header[10] = 0;
  header[11] = 6;
  return concat([header, ip]);
}

/** BSD loopback: a 4-byte address family, in host order for NULL (`le`) and network order for LOOP. */
export function loopback(ip: Uint8Array, order: 'le' | 'be', inet6Family = 30): Buffer {
  const header = Buffer.alloc(4);
  const family = (ip[0] as number) >> 4 === 6 ? inet6Family : 2;
  if (order === 'le') header.writeUInt32LE(family, 0);
  else header.writeUInt32BE(family, 0);
  return concat([header, ip]);
}

export interface Frame {
  /** Capture time in nanoseconds since the epoch. */
  readonly timeNs: bigint;
  readonly data: Uint8Array;
  /** Length on the wire, when more than was captured. */
  readonly wireLength?: number;
}

export interface PcapOptions {
  readonly link: number;
  readonly order?: 'le' | 'be';
  readonly nanos?: boolean;
  readonly snaplen?: number;
}

export function pcap(frames: readonly Frame[], o: PcapOptions): Buffer {
  const le = (o.order ?? 'le') === 'le';
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const header = Buffer.alloc(24);
  u32(header, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, o.snaplen ?? 262144, 16);
  u32(header, o.link, 20);
  const parts: Buffer[] = [header];
  for (const f of frames) {
    const record = Buffer.alloc(16);
    const seconds = f.timeNs / 1_000_000_000n;
    const rest = f.timeNs % 1_000_000_000n;
    u32(record, Number(seconds), 0);
    u32(record, Number(o.nanos ? rest : rest / 1000n), 4);
    u32(record, f.data.length, 8);
    u32(record, f.wireLength ?? f.data.length, 12);
    parts.push(record, Buffer.from(f.data));
  }
  return Buffer.concat(parts);
}

export interface NgInterface {
  readonly link: number;
  /** if_tsresol byte: bit 7 clear, 10^-n seconds; set, 2^-n. Absent: the default, microseconds. */
  readonly tsresol?: number;
  /** if_tsoffset in seconds. */
  readonly tsoffset?: number;
  readonly snaplen?: number;
}

export interface NgFrame extends Frame {
  readonly iface: number;
  /** Block kind: Enhanced (default), Simple (no timestamp, interface 0) or the obsolete Packet Block. */
  readonly block?: 'epb' | 'spb' | 'pb';
}

export interface NgSection {
  readonly order?: 'le' | 'be';
  readonly interfaces: readonly NgInterface[];
  readonly frames: readonly NgFrame[];
  /** Adds a name resolution block, an interface statistics block and a block of an unknown type, which a reader must skip. */
  readonly otherBlocks?: boolean;
  /** Adds a custom block (which tshark counts as a frame) before the packets. */
  readonly customBlock?: boolean;
}

function pad4(b: Uint8Array): Buffer {
  return concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}

/** Ticks of an interface's resolution for a time in ns, less its offset. */
function ticks(timeNs: bigint, iface: NgInterface): bigint {
  const t = timeNs - BigInt(iface.tsoffset ?? 0) * 1_000_000_000n;
  const r = iface.tsresol ?? 6;
  return (r & 0x80) !== 0 ? (t << BigInt(r & 0x7f)) / 1_000_000_000n : (t * 10n ** BigInt(r)) / 1_000_000_000n;
}

export function pcapng(sections: readonly NgSection[]): Buffer {
  const parts: Buffer[] = [];
  for (const section of sections) {
    const le = (section.order ?? 'le') === 'le';
    const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
    const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
    const block = (type: number, body: Uint8Array) => {
      const padded = pad4(body);
      const out = Buffer.alloc(12 + padded.length);
      u32(out, type, 0);
      u32(out, out.length, 4);
      padded.copy(out, 8);
      u32(out, out.length, out.length - 4);
      return out;
    };
    const option = (code: number, value: Uint8Array) => {
      const head = Buffer.alloc(4);
      u16(head, code, 0);
      u16(head, value.length, 2);
      return concat([head, pad4(value)]);
    };
    const shb = Buffer.alloc(16);
    u32(shb, 0x1a2b3c4d, 0);
    u16(shb, 1, 4);
    u16(shb, 0, 6);
    shb.fill(0xff, 8, 16); // section length unknown
    parts.push(block(0x0a0d0d0a, shb));
    for (const iface of section.interfaces) {
      const fixed = Buffer.alloc(8);
      u16(fixed, iface.link, 0);
      u32(fixed, iface.snaplen ?? 262144, 4);
      const options: Buffer[] = [];
      if (iface.tsresol !== undefined) options.push(option(9, Buffer.from([iface.tsresol])));
      if (iface.tsoffset !== undefined) {
        const value = Buffer.alloc(8);
        if (le) value.writeBigInt64LE(BigInt(iface.tsoffset));
        else value.writeBigInt64BE(BigInt(iface.tsoffset));
        options.push(option(14, value));
      }
      if (options.length > 0) options.push(Buffer.alloc(4)); // opt_endofopt
      parts.push(block(1, concat([fixed, ...options])));
    }
    if (section.otherBlocks) {
      // Name resolution block: one IPv4 record, then end of records.
      const record = Buffer.alloc(4);
      u16(record, 1, 0);
      u16(record, 12, 2);
      parts.push(block(4, concat([record, Buffer.from([127, 0, 0, 1]), Buffer.from('host\0\0\0\0', 'latin1'), Buffer.alloc(4)])));
      // Interface statistics for interface 0 (no options), then a type no reader knows.
      parts.push(block(5, Buffer.alloc(12)));
      parts.push(block(0x777, Buffer.from('ignore me, I am not a packet')));
    }
    if (section.customBlock) {
      // A custom block (PEN 32473, the example enterprise): Wireshark numbers it as a frame.
      const pen = Buffer.alloc(4);
      u32(pen, 32473, 0);
      parts.push(block(0x0bad, concat([pen, Buffer.from('custom data')])));
    }
    for (const f of section.frames) {
      const iface = section.interfaces[f.iface];
      if (!iface) throw new Error(`no interface ${f.iface}`);
      const wire = f.wireLength ?? f.data.length;
      if (f.block === 'spb') {
        const head = Buffer.alloc(4);
        u32(head, wire, 0);
        parts.push(block(3, concat([head, f.data])));
        continue;
      }
      const t = ticks(f.timeNs, iface);
      const head = Buffer.alloc(20);
      if (f.block === 'pb') {
        u16(head, f.iface, 0);
        u16(head, 0, 2);
      } else {
        u32(head, f.iface, 0);
      }
      u32(head, Number(t >> 32n), 4);
      u32(head, Number(t & 0xffffffffn), 8);
      u32(head, f.data.length, 12);
      u32(head, wire, 16);
      parts.push(block(f.block === 'pb' ? 2 : 6, concat([head, f.data])));
    }
  }
  return Buffer.concat(parts);
}

export interface HepChunkAddress {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
}

/** A HEP v3 packet carrying one SIP message (RFC-less, per the HEP3 spec: chunk vendor 0). */
export function hep3(address: HepChunkAddress, transport: 'udp' | 'tcp', timeUs: number, sip: string, captureId = 2001): Buffer {
  const v6 = address.src.includes(':');
  const chunk = (type: number, value: Uint8Array) => {
    const head = Buffer.alloc(6);
    head.writeUInt16BE(0, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt16BE(6 + value.length, 4);
    return concat([head, value]);
  };
  const u8 = (v: number) => Buffer.from([v]);
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  const chunks = [
    chunk(1, u8(v6 ? 10 : 2)),
    chunk(2, u8(transport === 'udp' ? 17 : 6)),
    v6 ? chunk(5, ipv6Bytes(address.src)) : chunk(3, ipv4Bytes(address.src)),
    v6 ? chunk(6, ipv6Bytes(address.dst)) : chunk(4, ipv4Bytes(address.dst)),
    chunk(7, u16(address.sport)),
    chunk(8, u16(address.dport)),
    chunk(9, u32(Math.floor(timeUs / 1e6))),
    chunk(10, u32(timeUs % 1e6)),
    chunk(11, u8(1)), // SIP
    chunk(12, u32(captureId)),
    chunk(15, Buffer.from(sip, 'utf8')),
  ];
  const body = concat(chunks);
  const head = Buffer.alloc(6);
  head.write('HEP3', 0, 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return concat([head, body]);
}

export interface SipOptions {
  readonly callId: string;
  readonly cseq: number;
  readonly from?: string;
  readonly to?: string;
  readonly via?: string;
  readonly body?: string;
  /** Write Content-Length in its compact form `l:`. */
  readonly compact?: boolean;
}

function sipHeaders(o: SipOptions, method: string): string[] {
  const body = o.body ?? '';
  return [
    `Via: SIP/2.0/${o.via ?? 'UDP 127.0.0.1:5060;branch=z9hG4bK-' + o.callId + '-' + o.cseq}`,
    `From: <sip:${o.from ?? 'alice'}@example.test>;tag=f${o.cseq}`,
    `To: <sip:${o.to ?? 'bob'}@example.test>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${method}`,
    `${o.compact ? 'l' : 'Content-Length'}: ${Buffer.byteLength(body, 'utf8')}`,
  ];
}

/** A SIP request with a correct Content-Length. */
export function sipRequest(method: string, uri: string, o: SipOptions): string {
  return [`${method} ${uri} SIP/2.0`, ...sipHeaders(o, method), '', o.body ?? ''].join('\r\n');
}

/** A SIP response with a correct Content-Length. */
export function sipResponse(status: number, reason: string, method: string, o: SipOptions): string {
  return [`SIP/2.0 ${status} ${reason}`, ...sipHeaders(o, method), '', o.body ?? ''].join('\r\n');
}
