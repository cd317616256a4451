// Capture readers (docs/trace.md, "Formats"): classic pcap, pcapng and HEP files, each
// yielding the SIP messages it carries as `CaptureItem`s for the tracer (engines/trace).
// Streaming: the file is read in chunks through one reused buffer, so memory stays
// bounded whatever the file's size; a file that is not a capture is refused on its first
// bytes, so a huge file of zeros costs one read.
import type { CaptureItem } from '../../engines/trace/capture.js';
import { decodeHep, hepPacketLength, looksLikeHep } from './hep.js';
import { isReadableLink, PacketDecoder, unreadableLink } from './packet.js';
import { frameMessage, startsLikeSip } from './sip.js';
import { CaptureError, ChunkSource } from './source.js';

export type { CaptureItem, CapturedSip, CaptureNotice, Endpoint } from '../../engines/trace/capture.js';
export { CaptureError } from './source.js';

export interface ReadOptions {
  /** Stop after this many frames (tests, --call previews); default unlimited. */
  readonly maxFrames?: number;
}

/** Items handed on together: one generator step per batch, not per message, keeps the per-item cost low. */
const batchItems = 512;

/** Largest packet record read: the largest snap length tcpdump and Wireshark write. */
export const maxRecordBytes = 262_144;

/** A record longer than this is damage, not a packet: the file's snap length with 64 KiB of slack, at most `maxRecordBytes`. */
export function recordLimit(snaplen: number): number {
  return Math.min(Math.max(snaplen, 65_535) + 65_536, maxRecordBytes);
}
/** Largest section header or interface block: options only, never this large in a real file. */
const maxHeaderBlockBytes = 1024 * 1024;

type Format = 'pcap' | 'pcapng' | 'hep';

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

function sniff(b: Buffer, length: number): Format | undefined {
  if (length < 4) return undefined;
  const le = b.readUInt32LE(0);
  if (le === 0xa1b2c3d4 || le === 0xd4c3b2a1 || le === 0xa1b23c4d || le === 0x4d3cb2a1) return 'pcap';
  if (le === 0x0a0d0d0a) return 'pcapng';
  if (looksLikeHep(b.subarray(0, length))) return 'hep';
  return undefined;
}

/**
 * The SIP messages of a capture file in batches, in capture order (TCP messages when
 * their last byte arrives). Sniffs the format from the first bytes: pcap (either byte
 * order, µs or ns), pcapng, or HEP (v2/v3 packets back to back). Throws CaptureError for
 * a file that is none of these, breaks off inside a header, or is damaged mid-file;
 * yields notices for what it skips.
 */
export async function* readCaptureBatches(path: string, options: ReadOptions = {}): AsyncGenerator<CaptureItem[]> {
  const source = await ChunkSource.open(path);
  try {
    await source.ensure(4);
    if (source.available === 0) throw new CaptureError(`${path}: not a capture (the file is empty)`, path, 0);
    const format = sniff(source.buf, source.available);
    if (!format) {
      const first = source.buf.subarray(source.start, source.start + Math.min(4, source.available));
      throw new CaptureError(`${path}: not a capture (it starts with ${hex(first)}, not a pcap, pcapng or HEP header)`, path, 0);
    }
    const reader = format === 'pcap' ? readPcap : format === 'pcapng' ? readPcapng : readHep;
    yield* reader(source, options.maxFrames ?? Infinity);
  } finally {
    await source.close();
  }
}

/** The same items one at a time. */
export async function* readCapture(path: string, options: ReadOptions = {}): AsyncGenerator<CaptureItem> {
  for await (const batch of readCaptureBatches(path, options)) yield* batch;
}

function cutOff(frame: number, offset: number): CaptureItem {
  return { kind: 'notice', code: 'truncated-packet', message: `capture ends inside frame ${frame} (byte offset ${offset}); the rest is cut off`, frame };
}

async function* readPcap(source: ChunkSource, maxFrames: number): AsyncGenerator<CaptureItem[]> {
  const path = source.path;
  if (!(await source.ensure(24))) {
    throw new CaptureError(`${path}: the pcap header is cut off (${source.available} of its 24 bytes)`, path, source.available);
  }
  const head = source.buf;
  const magic = head.readUInt32LE(source.start);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = le ? (b: Buffer, at: number) => b.readUInt32LE(at) : (b: Buffer, at: number) => b.readUInt32BE(at);
  const snaplen = u32(head, source.start + 16);
  // The upper bits carry FCS information (pcap spec, LinkType and additional information).
  const link = u32(head, source.start + 20) & 0xffff;
  if (!isReadableLink(link)) throw new CaptureError(`${path}: ${unreadableLink(link)} (pcap header, byte offset 20)`, path, 20);
  source.skip(24);
  const limit = recordLimit(snaplen);
  const out: CaptureItem[] = [];
  const decoder = new PacketDecoder(out);
  let frame = 0;
  while (frame < maxFrames) {
    if (!(await source.ensure(16))) {
      if (source.available > 0) out.push(cutOff(frame + 1, source.offset));
      break;
    }
    const b = source.buf;
    const at = source.start;
    const seconds = u32(b, at);
    const fraction = u32(b, at + 4);
    const captured = u32(b, at + 8);
    const wire = u32(b, at + 12);
    if (captured > limit) {
      throw new CaptureError(
        `${path}: frame ${frame + 1} at byte offset ${source.offset} claims ${captured} bytes, more than any packet (snap length ${snaplen}); the file is damaged here`,
        path, source.offset, frame + 1,
      );
    }
    if (!(await source.ensure(16 + captured))) {
      out.push(cutOff(frame + 1, source.offset));
      break;
    }
    frame++;
    const start = source.start + 16;
    const timeUs = seconds * 1_000_000 + (nanos ? Math.floor(fraction / 1000) : fraction);
    decoder.packet(link, source.buf.subarray(start, start + captured), wire, timeUs, frame);
    source.skip(16 + captured);
    if (out.length >= batchItems) yield out.splice(0);
  }
  decoder.finish(frame);
  if (out.length > 0) yield out.splice(0);
}

interface Interface {
  readonly link: number;
  readonly readable: boolean;
  /** if_tsresol: bit 7 clear, a power of ten; set, a power of two (default 6: microseconds). */
  readonly resolution: number;
  /** if_tsoffset in microseconds. */
  readonly offsetUs: number;
  readonly snaplen: number;
}

const twoTo32 = 4294967296;

/** A pcapng timestamp (two 32-bit halves, in the interface's units) in microseconds since the epoch. */
export function pcapngTimeUs(high: number, low: number, resolution: number): number {
  if (resolution === 6) return high * twoTo32 + low;
  if ((resolution & 0x80) === 0 && resolution > 6 && resolution <= 12) {
    // Divide without BigInt: (high * 2^32 + low) / d, with 2^32 = q*d + r.
    const d = 10 ** (resolution - 6);
    const q = Math.floor(twoTo32 / d);
    const r = twoTo32 - q * d;
    return high * q + Math.floor((high * r + low) / d);
  }
  const units = (resolution & 0x80) !== 0 ? 1n << BigInt(resolution & 0x7f) : 10n ** BigInt(resolution);
  return Number((((BigInt(high) << 32n) | BigInt(low)) * 1_000_000n) / units);
}

const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;
/** Blocks that are not packets but that Wireshark numbers as frames: systemd journal export, custom blocks. */
const frameBlocks = new Set([9, 0x00000bad, 0x40000bad]);

async function* readPcapng(source: ChunkSource, maxFrames: number): AsyncGenerator<CaptureItem[]> {
  const path = source.path;
  const out: CaptureItem[] = [];
  const decoder = new PacketDecoder(out);
  let le = true;
  let interfaces: Interface[] = [];
  let frame = 0;
  let lastUs = 0;
  let first = true;
  const damaged = (offset: number, what: string) => new CaptureError(`${path}: ${what} (block at byte offset ${offset}); the file is damaged here`, path, offset, frame + 1);
  while (frame < maxFrames) {
    const offset = source.offset;
    if (!(await source.ensure(12))) {
      if (first) throw new CaptureError(`${path}: the pcapng section header is cut off (${source.available} of at least 28 bytes)`, path, source.available);
      if (source.available > 0) out.push(cutOff(frame + 1, offset));
      break;
    }
    let b = source.buf;
    let at = source.start;
    const rawType = b.readUInt32LE(at);
    if (rawType === SHB) {
      const order = b.readUInt32LE(at + 8);
      if (order === 0x1a2b3c4d) le = true;
      else if (order === 0x4d3c2b1a) le = false;
      else throw damaged(offset, `section header with byte-order magic ${hex(b.subarray(at + 8, at + 12))}, not 1a2b3c4d`);
    } else if (first) {
      throw damaged(offset, 'no section header first');
    }
    const u32 = le ? (x: number) => b.readUInt32LE(x) : (x: number) => b.readUInt32BE(x);
    const u16 = le ? (x: number) => b.readUInt16LE(x) : (x: number) => b.readUInt16BE(x);
    const type = rawType === SHB ? SHB : u32(at);
    const length = u32(at + 4);
    if (length < 12 || length % 4 !== 0) throw damaged(offset, `block length ${length} is not a multiple of 4 of at least 12`);
    const isPacket = type === EPB || type === SPB || type === PB;
    if (type === SHB || type === IDB || isPacket) {
      const cap = isPacket ? maxRecordBytes + 64 * 1024 : maxHeaderBlockBytes;
      if (length > cap) throw damaged(offset, `block of type ${type} claims ${length} bytes, more than any ${isPacket ? 'packet' : 'header'}`);
      if (!(await source.ensure(length))) {
        if (first) throw new CaptureError(`${path}: the pcapng section header is cut off (${source.available} of its ${length} bytes)`, path, source.available);
        out.push(isPacket ? cutOff(frame + 1, offset) : { kind: 'notice', code: 'truncated-packet', message: `capture ends inside a block at byte offset ${offset}; the rest is cut off`, frame });
        break;
      }
      b = source.buf;
      at = source.start;
    }
    first = false;
    const bodyEnd = at + length - 4;
    if (type === SHB) {
      interfaces = [];
    } else if (type === IDB) {
      if (length < 20) throw damaged(offset, 'interface description shorter than 20 bytes');
      const link = u16(at + 8);
      const snaplen = u32(at + 12);
      let resolution = 6;
      let offsetUs = 0;
      for (let p = at + 16; p + 4 <= bodyEnd;) {
        const code = u16(p);
        const size = u16(p + 2);
        if (code === 0 || p + 4 + size > bodyEnd) break;
        if (code === 9 && size >= 1) resolution = b[p + 4] as number;
        if (code === 14 && size >= 8) {
          const high = u32(le ? p + 8 : p + 4);
          const low = u32(le ? p + 4 : p + 8);
          // Signed 64-bit seconds; the high half carries the sign.
          offsetUs = ((high | 0) * twoTo32 + low) * 1_000_000;
        }
        p += 4 + size + ((4 - (size % 4)) % 4);
      }
      const readable = isReadableLink(link);
      if (!readable) {
        out.push({ kind: 'notice', code: 'unsupported-link', message: `interface ${interfaces.length} (byte offset ${offset}): ${unreadableLink(link)}; its packets are skipped`, frame });
      }
      interfaces.push({ link, readable, resolution, offsetUs, snaplen });
    } else if (isPacket) {
      frame++;
      let ifIndex = 0;
      let data: Buffer;
      let wire: number;
      let timeUs = lastUs;
      if (type === SPB) {
        if (length < 16) throw damaged(offset, 'simple packet block shorter than 16 bytes');
        wire = u32(at + 8);
        const iface = interfaces[0];
        const captured = Math.min(wire, length - 16, iface && iface.snaplen > 0 ? iface.snaplen : Infinity);
        data = b.subarray(at + 12, at + 12 + captured);
      } else {
        if (length < 32) throw damaged(offset, 'packet block shorter than 32 bytes');
        ifIndex = type === EPB ? u32(at + 8) : u16(at + 8);
        const captured = u32(at + 20);
        wire = u32(at + 24);
        if (28 + captured > length - 4) throw damaged(offset, `frame ${frame} claims ${captured} bytes in a block of ${length}`);
        data = b.subarray(at + 28, at + 28 + captured);
        const iface = interfaces[ifIndex];
        if (iface) timeUs = pcapngTimeUs(u32(at + 12), u32(at + 16), iface.resolution) + iface.offsetUs;
      }
      const iface = interfaces[ifIndex];
      if (!iface) throw damaged(offset, `frame ${frame} names interface ${ifIndex}, which the section never described`);
      lastUs = timeUs;
      if (iface.readable) decoder.packet(iface.link, data, wire, timeUs, frame);
    } else if (frameBlocks.has(type)) {
      // Not a packet, but a frame to Wireshark: counted so frame numbers stay tshark's.
      frame++;
    }
    // Any other block (statistics, name resolution, decryption secrets) is skipped by its length.
    source.skip(length);
    source.shrink();
    if (out.length >= batchItems) yield out.splice(0);
  }
  decoder.finish(frame);
  if (out.length > 0) yield out.splice(0);
}

/**
 * HEP packets back to back (what a HEP collector may dump). A v3 packet carries its
 * length; a v1/v2 packet does not, so its SIP payload (after the address header and, for
 * v2, the time header) is framed by its Content-Length.
 */
async function* readHep(source: ChunkSource, maxFrames: number): AsyncGenerator<CaptureItem[]> {
  const path = source.path;
  const out: CaptureItem[] = [];
  let frame = 0;
  const damaged = (offset: number, what: string) => new CaptureError(`${path}: HEP packet ${frame + 1} at byte offset ${offset} ${what}; the file is damaged here`, path, offset, frame + 1);
  while (frame < maxFrames) {
    const offset = source.offset;
    if (!(await source.ensure(6))) {
      if (source.available > 0) out.push(cutOff(frame + 1, offset));
      break;
    }
    let b = source.buf;
    let at = source.start;
    let length: number;
    if (b[at] === 0x48 && b[at + 1] === 0x45 && b[at + 2] === 0x50 && b[at + 3] === 0x33) {
      const declared = hepPacketLength(b.subarray(at, at + 6), 0);
      if (declared === undefined) throw damaged(offset, `claims ${b.readUInt16BE(at + 4)} bytes, less than its own header`);
      length = declared;
      if (!(await source.ensure(length))) {
        out.push(cutOff(frame + 1, offset));
        break;
      }
    } else if ((b[at] === 0x01 || b[at] === 0x02) && (b[at + 1] === 16 || b[at + 1] === 40)) {
      // v2's time header is 12 bytes as C pads it, 10 from a sender that packs it.
      const starts = b[at] === 0x01 ? [b[at + 1] as number] : [(b[at + 1] as number) + 12, (b[at + 1] as number) + 10];
      let want = 2048;
      let end = -1;
      for (;;) {
        const complete = await source.ensure(want);
        b = source.buf;
        at = source.start;
        const avail = source.available;
        for (const start of starts) {
          if (avail > start && startsLikeSip(b, at + start, at + avail) === 1) {
            const body = frameMessage(b.subarray(at + start, at + avail), 0);
            if (body >= 0) end = start + body;
            break;
          }
        }
        if (end >= 0 || !complete || want > 65_536) break;
        want *= 2;
      }
      if (end < 0) {
        if (source.available < want) out.push(cutOff(frame + 1, offset));
        else throw damaged(offset, 'is HEP version 1 or 2 without a SIP message surv can frame');
        break;
      }
      length = end;
    } else {
      throw damaged(offset, `is not a HEP packet (it starts with ${hex(b.subarray(at, at + 4))})`);
    }
    frame++;
    out.push(decodeHep(source.buf.subarray(source.start, source.start + length), frame));
    source.skip(length);
    if (out.length >= batchItems) yield out.splice(0);
  }
  if (out.length > 0) yield out.splice(0);
}
