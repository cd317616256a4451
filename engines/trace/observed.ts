// One message of a captured call as a trace entry, so the simulator's renderers draw it:
// the wire facts, the scan's fields, and the parsed message only when someone reads it
// (the `sip` package's parse is the slow part of a big capture). `message` lives on the
// prototype, so JSON writes the text and the facts, not a second copy of the message.
import type { Msg } from '../simulate/message.js';
import type { CapturedSip, Endpoint } from './capture.js';
import type { Scanned } from './scan.js';
import { fromWire } from './sip-text.js';
import type { ObservedEntry } from './types.js';

export class ObservedRecord implements ObservedEntry {
  declare readonly atMs: number;
  declare readonly from: string;
  declare readonly to: string;
  declare readonly summary: string;
  declare readonly method: string;
  declare readonly status: number | undefined;
  declare readonly text: string;
  declare readonly transaction: string;
  declare readonly call: number;
  declare readonly cause: string;
  declare readonly timeUs: number;
  declare readonly src: Endpoint;
  declare readonly dst: Endpoint;
  declare readonly transport: 'udp' | 'tcp';
  declare readonly frame: number;
  declare readonly retransmission: number;
  #message: Msg | undefined;
  readonly #scan: Scanned;

  constructor(m: CapturedSip, s: Scanned, atMs: number, from: string, to: string, call: number, retransmission: number) {
    this.#message = undefined;
    this.#scan = s;
    this.atMs = atMs;
    this.from = from;
    this.to = to;
    this.summary = s.status !== undefined ? String(s.status) : s.method!;
    this.method = s.cseqMethod;
    this.status = s.status;
    this.text = m.text;
    this.transaction = s.branch;
    this.call = call;
    // The frame, as Wireshark numbers it, so a message of the ladder is found in the capture.
    this.cause = retransmission > 0 ? `frame ${m.frame}, retransmission ${retransmission}` : `frame ${m.frame}`;
    this.timeUs = m.timeUs;
    this.src = m.src;
    this.dst = m.dst;
    this.transport = m.transport;
    this.frame = m.frame;
    this.retransmission = retransmission;
  }

  /** The fields the tracer read off the header lines. */
  get scanned(): Scanned {
    return this.#scan;
  }

  /** The parsed message, on first read; a message the `sip` package cannot read keeps the scan's fields. */
  get message(): Msg {
    return (this.#message ??= parseOrScan(this.text, this.#scan));
  }
}

function parseOrScan(text: string, s: Scanned): Msg {
  try {
    return fromWire(text);
  } catch {
    // The scan found a start line, a Call-ID and a CSeq; the `sip` package is stricter
    // about the rest. Drawing needs no more than the scan has.
    return {
      method: s.method, uri: s.uri, status: s.status, reason: s.reason, via: [], maxForwards: undefined, route: s.route,
      recordRoute: undefined, from: { uri: '', ...(s.fromTag !== undefined ? { tag: s.fromTag } : {}) },
      to: { uri: '', ...(s.toTag !== undefined ? { tag: s.toTag } : {}) }, callId: s.callId, cseq: s.cseq, cseqMethod: s.cseqMethod,
      contact: s.contact !== undefined ? [{ uri: s.contact }] : undefined, path: undefined, supported: undefined, expires: undefined,
      pai: s.pai, privacy: s.privacy,
    };
  }
}

/** `ADDRESS:PORT`, an IPv6 address bracketed. */
export function endpointText(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
