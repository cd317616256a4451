// IP addresses as text, and IP fragment reassembly (RFC 815: collect the pieces, hand
// the datagram on when no hole is left), bounded in time, count and size so a capture
// full of stray fragments cannot grow memory.
import type { CaptureItem } from '../../engines/trace/capture.js';

/** Recently formatted IPv4 addresses by their 32-bit value: a capture has few distinct addresses, each seen often. */
const v4Cache = new Map<number, string>();

export function ipv4Text(b: Uint8Array, at: number): string {
  const value = (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0;
  let text = v4Cache.get(value);
  if (text === undefined) {
    text = `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
    if (v4Cache.size >= 4096) v4Cache.clear();
    v4Cache.set(value, text);
  }
  return text;
}

/** The last few IPv6 addresses formatted (16 bytes each, and their text), checked before formatting again. */
const v6Slots = 8;
const v6Bytes = new Uint8Array(16 * v6Slots);
const v6Texts: string[] = new Array<string>(v6Slots).fill('');
let v6Next = 0;
const groups = new Array<number>(8).fill(0);

/** RFC 5952 text: lower case, no leading zeros, the longest run (two or more) of zero groups as `::`, IPv4-mapped in dotted form. */
export function ipv6Text(b: Uint8Array, at: number): string {
  slots: for (let slot = 0; slot < v6Slots; slot++) {
    const base = slot * 16;
    for (let i = 0; i < 16; i++) if (v6Bytes[base + i] !== b[at + i]) continue slots;
    if (v6Texts[slot] !== '') return v6Texts[slot] as string;
  }
  const text = formatIpv6(b, at);
  v6Bytes.set(b.subarray(at, at + 16), v6Next * 16);
  v6Texts[v6Next] = text;
  v6Next = (v6Next + 1) % v6Slots;
  return text;
}

function formatIpv6(b: Uint8Array, at: number): string {
  for (let i = 0; i < 8; i++) groups[i] = ((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number);
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += (groups[i] as number).toString(16);
  }
  return text;
}

/** `address:port`, with brackets around an IPv6 address. */
export function endpointText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

interface FragmentSet {
  readonly src: string;
  readonly dst: string;
  readonly id: number;
  readonly firstUs: number;
  readonly firstFrame: number;
  readonly parts: { readonly offset: number; readonly data: Buffer }[];
  /** Payload length, known once the last fragment (no more-fragments flag) has come. */
  total: number;
  /** Bytes held, repeats included: a flood of one fragment must not grow it without bound. */
  held: number;
}

export const fragmentLimits = { timeoutUs: 30_000_000, openSets: 1024, datagramBytes: 65_535 };

export class Reassembler {
  private readonly sets = new Map<string, FragmentSet>();
  private lastSweepUs = 0;

  constructor(private readonly out: CaptureItem[]) {}

  private drop(key: string, set: FragmentSet, frame: number, why: string): void {
    this.sets.delete(key);
    this.out.push({
      kind: 'notice',
      code: 'fragment-timeout',
      message: `frame ${frame}: IP fragments of ${set.src} -> ${set.dst} (id ${set.id}, first in frame ${set.firstFrame}) ${why}; dropped`,
      frame,
    });
  }

  /** Drops sets that waited longer than the timeout; cheap when called per packet. */
  sweep(timeUs: number, frame: number): void {
    if (this.sets.size === 0 || timeUs - this.lastSweepUs < 1_000_000) return;
    this.lastSweepUs = timeUs;
    for (const [key, set] of this.sets) {
      if (timeUs - set.firstUs <= fragmentLimits.timeoutUs) break;
      this.drop(key, set, frame, 'never completed within 30 s');
    }
  }

  /**
   * Adds one fragment (its payload `data` at byte `offset` of the datagram's payload);
   * returns the whole payload when this fragment completes it.
   */
  add(proto: number, src: string, dst: string, id: number, offset: number, more: boolean, data: Buffer, timeUs: number, frame: number): Buffer | undefined {
    const key = `${proto}|${src}|${dst}|${id}`;
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= fragmentLimits.openSets) {
        const [oldKey, oldest] = this.sets.entries().next().value as [string, FragmentSet];
        this.drop(oldKey, oldest, frame, `could not be kept: more than ${fragmentLimits.openSets} datagrams in fragments at once`);
      }
      set = { src, dst, id, firstUs: timeUs, firstFrame: frame, parts: [], total: -1, held: 0 };
      this.sets.set(key, set);
    }
    set.held += data.length + 64;
    if (offset + data.length > fragmentLimits.datagramBytes || set.held > 2 * fragmentLimits.datagramBytes) {
      this.drop(key, set, frame, 'add up to more than 64 KiB');
      return undefined;
    }
    // Copied: the packet's bytes live in the reader's reused buffer.
    set.parts.push({ offset, data: Buffer.from(data) });
    if (!more) set.total = offset + data.length;
    if (set.total < 0) return undefined;
    set.parts.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const part of set.parts) {
      if (part.offset > covered) return undefined;
      covered = Math.max(covered, part.offset + part.data.length);
    }
    if (covered < set.total) return undefined;
    this.sets.delete(key);
    const whole = Buffer.alloc(set.total);
    for (const part of set.parts) part.data.copy(whole, part.offset, 0, Math.min(part.data.length, set.total - part.offset));
    return whole;
  }

  /** The capture ended: every set still open never completed. */
  finish(frame: number): void {
    for (const [key, set] of this.sets) this.drop(key, set, frame, 'never completed before the capture ended');
  }
}
