// One captured frame down to SIP: the link layer (Ethernet with VLAN tags, Linux cooked
// v1/v2, raw IP, BSD loopback), IPv4 and IPv6 (extension headers, fragments), then UDP
// (SIP, or HEP carrying SIP) and TCP (tcp.ts). Works on subarrays of the reader's
// buffer: nothing is copied unless it must outlive the packet.
import type { CaptureItem } from '../../engines/trace/capture.js';
import { decodeHep, looksLikeHep } from './hep.js';
import { endpointText, ipv4Text, ipv6Text, Reassembler } from './ip.js';
import { isKeepAlive, startsLikeSip } from './sip.js';
import { TcpReader } from './tcp.js';

/** LINKTYPE_ values (https://www.tcpdump.org/linktypes.html) surv reads. */
export const linkTypes = {
  NULL: 0,
  ETHERNET: 1,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const readable = new Set<number>(Object.values(linkTypes));

/** Names of link types people meet, for the error that says surv does not read them. */
const otherNames: Readonly<Record<number, string>> = {
  6: 'IEEE802_5', 9: 'PPP', 10: 'FDDI', 50: 'PPP_HDLC', 51: 'PPP_ETHER', 104: 'C_HDLC', 105: 'IEEE802_11',
  119: 'PRISM_HEADER', 127: 'IEEE802_11_RADIOTAP', 143: 'DOCSIS', 163: 'IEEE802_11_AVS', 187: 'BLUETOOTH_HCI_H4',
  189: 'USB_LINUX', 192: 'PPI', 195: 'IEEE802_15_4_WITHFCS', 201: 'BLUETOOTH_HCI_H4_WITH_PHDR', 220: 'USB_LINUX_MMAPPED',
  239: 'NFLOG', 249: 'NETLINK', 252: 'WIRESHARK_UPPER_PDU', 253: 'IPV4_OVER_ETHERNET', 264: 'DISPLAYPORT_AUX',
};

export function isReadableLink(link: number): boolean {
  return readable.has(link);
}

export function linkName(link: number): string {
  if (link >= 147 && link <= 162) return `USER${link - 147}`;
  const known = Object.entries(linkTypes).find(([, value]) => value === link);
  return known ? known[0] : otherNames[link] ?? 'unknown';
}

export const unreadableLink = (link: number) =>
  `link type ${link} (${linkName(link)}) is not one surv reads; it reads Ethernet, Linux cooked v1/v2, raw IP and loopback`;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

/** Address families a BSD loopback header may give IPv6 (they differ per system). */
const inet6Families = new Set([10, 23, 24, 26, 28, 30]);

export class PacketDecoder {
  private readonly fragments: Reassembler;
  private readonly tcp: TcpReader;
  private readonly sctpFlows = new Set<string>();

  constructor(private readonly out: CaptureItem[]) {
    this.fragments = new Reassembler(out);
    this.tcp = new TcpReader(out);
  }

  private notice(code: string, frame: number, message: string): void {
    this.out.push({ kind: 'notice', code, message: `frame ${frame}: ${message}`, frame });
  }

  /** One frame as captured (`data` is its captured bytes; `wireLength` its length on the wire). */
  packet(link: number, data: Buffer, wireLength: number, timeUs: number, frame: number): void {
    this.fragments.sweep(timeUs, frame);
    const u16 = (at: number) => ((data[at] as number) << 8) | (data[at + 1] as number);
    let at = 0;
    let type = 0;
    switch (link) {
      case linkTypes.ETHERNET:
        if (data.length < 14) return;
        type = u16(12);
        at = 14;
        // 802.1Q, 802.1ad and the older QinQ tag: 4 bytes each, as many as there are.
        while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
          if (at + 4 > data.length) return;
          type = u16(at + 2);
          at += 4;
        }
        break;
      case linkTypes.LINUX_SLL:
        if (data.length < 16) return;
        type = u16(14);
        at = 16;
        break;
      case linkTypes.LINUX_SLL2:
        if (data.length < 20) return;
        type = u16(0);
        at = 20;
        break;
      case linkTypes.NULL:
      case linkTypes.LOOP: {
        if (data.length < 4) return;
        // NULL is in the capturing host's byte order, LOOP in network order; a family is small either way.
        const le = data.readUInt32LE(0);
        const family = le <= 0xffff ? le : data.readUInt32BE(0);
        type = family === 2 ? ETHERTYPE_IPV4 : inet6Families.has(family) ? ETHERTYPE_IPV6 : 0;
        at = 4;
        break;
      }
      case linkTypes.IPV4:
        type = ETHERTYPE_IPV4;
        break;
      case linkTypes.IPV6:
        type = ETHERTYPE_IPV6;
        break;
      default: {
        // Raw IP: the version nibble says which.
        if (data.length < 1) return;
        const version = (data[0] as number) >> 4;
        type = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
      }
    }
    if (type === ETHERTYPE_IPV4) this.ipv4(data, at, wireLength, timeUs, frame);
    else if (type === ETHERTYPE_IPV6) this.ipv6(data, at, wireLength, timeUs, frame);
  }

  private cutShort(frame: number, data: Buffer, wireLength: number): void {
    this.notice('truncated-packet', frame, `only ${data.length} of its ${wireLength} bytes were captured (snap length); skipped`);
  }

  private ipv4(data: Buffer, at: number, wireLength: number, timeUs: number, frame: number): void {
    if (data.length - at < 20 || (data[at] as number) >> 4 !== 4) return;
    const headerLength = ((data[at] as number) & 0x0f) * 4;
    const totalLength = ((data[at + 2] as number) << 8) | (data[at + 3] as number);
    // Zero: a segmentation-offloaded packet captured before the NIC split it; the frame holds it all.
    const end = totalLength === 0 ? data.length : at + totalLength;
    if (headerLength < 20 || end < at + headerLength) return;
    if (end > data.length) {
      this.cutShort(frame, data, wireLength);
      return;
    }
    const id = ((data[at + 4] as number) << 8) | (data[at + 5] as number);
    const fragment = ((data[at + 6] as number) << 8) | (data[at + 7] as number);
    const proto = data[at + 9] as number;
    const src = ipv4Text(data, at + 12);
    const dst = ipv4Text(data, at + 16);
    const more = (fragment & 0x2000) !== 0;
    const offset = (fragment & 0x1fff) * 8;
    let payload = data.subarray(at + headerLength, end);
    if (more || offset > 0) {
      const whole = this.fragments.add(proto, src, dst, id, offset, more, payload, timeUs, frame);
      if (!whole) return;
      payload = whole;
    }
    this.transport(proto, payload, src, dst, timeUs, frame);
  }

  private ipv6(data: Buffer, at: number, wireLength: number, timeUs: number, frame: number): void {
    if (data.length - at < 40 || (data[at] as number) >> 4 !== 6) return;
    const payloadLength = ((data[at + 4] as number) << 8) | (data[at + 5] as number);
    const end = payloadLength === 0 ? data.length : at + 40 + payloadLength;
    if (end > data.length) {
      this.cutShort(frame, data, wireLength);
      return;
    }
    const src = ipv6Text(data, at + 8);
    const dst = ipv6Text(data, at + 24);
    let next = data[at + 6] as number;
    let p = at + 40;
    for (;;) {
      if (next === 0 || next === 43 || next === 60) {
        // Hop-by-hop, routing, destination options: length in 8-byte units, not counting the first 8.
        if (p + 8 > end) return;
        next = data[p] as number;
        p += ((data[p + 1] as number) + 1) * 8;
      } else if (next === 51) {
        // Authentication header: length in 4-byte units, not counting the first 2.
        if (p + 8 > end) return;
        next = data[p] as number;
        p += ((data[p + 1] as number) + 2) * 4;
      } else if (next === 44) {
        if (p + 8 > end) return;
        const inner = data[p] as number;
        const field = ((data[p + 2] as number) << 8) | (data[p + 3] as number);
        const id = data.readUInt32BE(p + 4);
        const whole = this.fragments.add(inner, src, dst, id, field & 0xfff8, (field & 1) !== 0, data.subarray(p + 8, end), timeUs, frame);
        if (!whole) return;
        // Headers after the fragment header travel inside the fragmentable part.
        this.ipv6Upper(inner, whole, src, dst, timeUs, frame);
        return;
      } else {
        break;
      }
      if (p > end) return;
    }
    this.transport(next, data.subarray(p, end), src, dst, timeUs, frame);
  }

  private ipv6Upper(next: number, data: Buffer, src: string, dst: string, timeUs: number, frame: number): void {
    let p = 0;
    while (next === 0 || next === 43 || next === 60) {
      if (p + 8 > data.length) return;
      next = data[p] as number;
      p += ((data[p + 1] as number) + 1) * 8;
    }
    if (p > data.length) return;
    this.transport(next, data.subarray(p), src, dst, timeUs, frame);
  }

  private transport(proto: number, seg: Buffer, src: string, dst: string, timeUs: number, frame: number): void {
    if (proto === 17) {
      if (seg.length < 8) return;
      const sport = ((seg[0] as number) << 8) | (seg[1] as number);
      const dport = ((seg[2] as number) << 8) | (seg[3] as number);
      const length = ((seg[4] as number) << 8) | (seg[5] as number);
      const payload = seg.subarray(8, length >= 8 && length <= seg.length ? length : seg.length);
      this.udp(payload, src, sport, dst, dport, timeUs, frame);
    } else if (proto === 6) {
      if (seg.length < 20) return;
      const sport = ((seg[0] as number) << 8) | (seg[1] as number);
      const dport = ((seg[2] as number) << 8) | (seg[3] as number);
      const seq = seg.readUInt32BE(4);
      const dataOffset = ((seg[12] as number) >> 4) * 4;
      if (dataOffset < 20 || dataOffset > seg.length) return;
      this.tcp.segment(src, sport, dst, dport, seq, seg[13] as number, seg.subarray(dataOffset), timeUs, frame);
    } else if (proto === 132) {
      const key = `${src}|${dst}`;
      if (this.sctpFlows.has(key)) return;
      if (this.sctpFlows.size >= 4096) this.sctpFlows.clear();
      this.sctpFlows.add(key);
      this.notice('not-sip', frame, `SCTP ${src} -> ${dst}: surv reads SIP over UDP and TCP only`);
    }
  }

  private udp(payload: Buffer, src: string, sport: number, dst: string, dport: number, timeUs: number, frame: number): void {
    if (looksLikeHep(payload)) {
      this.out.push(decodeHep(payload, frame));
      return;
    }
    if (isKeepAlive(payload, 0, payload.length)) return;
    if (startsLikeSip(payload, 0, payload.length) === 1) {
      this.out.push({
        kind: 'sip', timeUs, src: { address: src, port: sport }, dst: { address: dst, port: dport },
        transport: 'udp', text: payload.toString('utf8'), frame,
      });
      return;
    }
    this.notice('not-sip', frame, `UDP ${endpointText(src, sport)} -> ${endpointText(dst, dport)} is not SIP (${payload.length} bytes)`);
  }

  /** The capture ended (`frames` frames): report what was left open. */
  finish(frames: number): void {
    this.tcp.finish(frames);
    this.fragments.finish(frames);
  }
}
