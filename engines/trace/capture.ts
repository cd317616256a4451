// What a capture reader hands the tracer: one whole SIP message seen on the wire, with
// where and when it was seen. The readers (io/capture: pcap, pcapng, HEP files, a live
// HEP socket) produce these; the tracer (engines/trace) groups and judges them. Plain
// data, so a reader and the tracer agree on nothing else.

export interface Endpoint {
  /** An IPv4 address in dotted form, or an IPv6 address in its RFC 5952 text form (no brackets). */
  readonly address: string;
  readonly port: number;
}

export type CaptureTransport = 'udp' | 'tcp';

export interface CapturedSip {
  /** When the (last) packet carrying the message was captured: microseconds since the Unix epoch. */
  readonly timeUs: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly transport: CaptureTransport;
  /** One whole SIP message (start line, headers, body), decoded as UTF-8. */
  readonly text: string;
  /**
   * Where it came from in the capture: the 1-based number of the (last) packet that
   * carried it, as Wireshark and tshark number frames (`frame.number`); for a HEP
   * packet inside a capture, that packet's frame; for a live HEP socket, the datagram's
   * count since listening began.
   */
  readonly frame: number;
}

/**
 * Something a reader met that is not a SIP message but that the user should know about:
 * counted and shown in the summary, never fatal (a packet that is not SIP, a TLS stream
 * it cannot read, a fragment that never completed). A fatal problem (not a capture at
 * all, truncated header, unknown link type) is a thrown `CaptureError` instead.
 */
export interface CaptureNotice {
  readonly kind: 'notice';
  /** Stable key for counting: `not-sip`, `tls`, `truncated-packet`, `fragment-timeout`, `tcp-gap`, `unsupported-link`... */
  readonly code: string;
  /** One line, naming the frame or byte offset: `frame 12: TLS on 127.0.0.1:5061 -> ...; surv cannot read encrypted SIP`. */
  readonly message: string;
  readonly frame: number;
}

export type CaptureItem = ({ readonly kind: 'sip' } & CapturedSip) | CaptureNotice;
