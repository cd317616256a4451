// TCP: each direction of a connection is a byte stream put back in order by sequence
// number (out-of-order segments wait, retransmitted and overlapping bytes are used once),
// then cut into SIP messages by head and Content-Length. Every message carries the time
// and frame of the segment that completed it, as Wireshark's reassembly reports it.
// Bounded: a stream holds at most 64 KiB without a whole message, streams are capped and
// closed on FIN, RST or 5 minutes of capture-time silence.
import type { CaptureItem, Endpoint } from '../../engines/trace/capture.js';
import { endpointText } from './ip.js';
import { findSipStart, frameMessage, isKeepAlive, startsLikeSip } from './sip.js';

export const tcpLimits = {
  /** Bytes a stream may hold (unframed plus waiting out of order) before it skips ahead. */
  streamBytes: 64 * 1024,
  /** Capture time an out-of-order segment waits for the bytes before it, before they count as lost. */
  gapWaitUs: 5_000_000,
  /** Out-of-order segments a stream may hold (tiny segments would otherwise make the bytes cap slow to reach). */
  pendingSegments: 1024,
  /** How far behind the next expected byte a segment may start and still be a retransmission. */
  seqWindow: 16 * 1024 * 1024,
  openStreams: 4096,
  idleUs: 300_000_000,
  /** Bytes all streams together may hold; beyond it the least recently used are closed. */
  totalBytes: 64 * 1024 * 1024,
};

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const LF = 0x0a;

interface Pending {
  readonly seq: number;
  readonly data: Buffer;
}

interface Stream {
  readonly key: string;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** The sequence number of the next byte expected; undefined before the first segment. */
  next: number | undefined;
  /** At a message boundary (after SYN, or once a SIP start line was found). */
  synced: boolean;
  /** Whether the first unframed byte starts a line (where a resync search may begin). */
  lineStart: boolean;
  buf: Buffer | undefined;
  len: number;
  /** Frame whose bytes began the unframed message, for the notice when it never completes. */
  bufFrame: number;
  pending: Pending[];
  pendingBytes: number;
  pendingSinceUs: number;
  seen: boolean;
  tls: boolean;
  warned: boolean;
  fin: number | undefined;
  lastUs: number;
  /** What this stream adds to the reader's `held` total. */
  counted: number;
}

function holding(s: Stream): number {
  return (s.buf?.length ?? 0) + s.pendingBytes;
}

export class TcpReader {
  private readonly streams = new Map<string, Stream>();
  private lastSweepUs = 0;
  /** Bytes held by all open streams (buffers and waiting segments). */
  private held = 0;

  constructor(private readonly out: CaptureItem[]) {}

  private notice(code: string, frame: number, message: string): void {
    this.out.push({ kind: 'notice', code, message: `frame ${frame}: ${message}`, frame });
  }

  private flow(s: Stream): string {
    return `TCP ${endpointText(s.src.address, s.src.port)} -> ${endpointText(s.dst.address, s.dst.port)}`;
  }

  segment(src: string, sport: number, dst: string, dport: number, seq: number, flags: number, payload: Buffer, timeUs: number, frame: number): void {
    if (timeUs - this.lastSweepUs >= 10_000_000) this.sweep(timeUs, frame);
    const key = `${src}|${sport}|${dst}|${dport}`;
    let s = this.streams.get(key);
    if (flags & RST) {
      if (s) this.close(s, frame);
      return;
    }
    if (!s) {
      if (payload.length === 0 && !(flags & SYN)) return;
      if (this.streams.size >= tcpLimits.openStreams) {
        const oldest = this.streams.values().next().value as Stream;
        this.close(oldest, frame);
      }
      s = {
        key, src: { address: src, port: sport }, dst: { address: dst, port: dport },
        next: undefined, synced: false, lineStart: true, buf: undefined, len: 0, bufFrame: frame,
        pending: [], pendingBytes: 0, pendingSinceUs: 0, seen: false, tls: false, warned: false, fin: undefined, lastUs: timeUs, counted: 0,
      };
    } else {
      // Re-inserted so the map's order is least recently used first (sweep and eviction).
      this.streams.delete(key);
    }
    this.streams.set(key, s);
    s.lastUs = timeUs;
    this.update(s, seq, flags, payload, timeUs, frame);
    if (this.streams.get(key) === s) {
      const now = holding(s);
      this.held += now - s.counted;
      s.counted = now;
    }
    while (this.held > tcpLimits.totalBytes) this.close(this.streams.values().next().value as Stream, frame);
  }

  private update(s: Stream, seq: number, flags: number, payload: Buffer, timeUs: number, frame: number): void {
    if (flags & SYN) {
      s.next = (seq + 1) >>> 0;
      s.synced = true;
      s.lineStart = true;
      s.len = 0;
      s.pending = [];
      s.pendingBytes = 0;
      return;
    }
    if (payload.length > 0 && !s.tls) this.data(s, seq, payload, timeUs, frame);
    if (flags & FIN) s.fin = (seq + payload.length) >>> 0;
    if (s.fin !== undefined && s.next === s.fin && s.pending.length === 0) this.close(s, frame);
  }

  private data(s: Stream, seq: number, payload: Buffer, timeUs: number, frame: number): void {
    if (!s.seen) {
      s.seen = true;
      const tlsRecord = payload[0] === 0x16 && payload[1] === 0x03;
      if (tlsRecord || ((s.src.port === 5061 || s.dst.port === 5061) && startsLikeSip(payload, 0, payload.length) !== 1)) {
        s.tls = true;
        s.pending = [];
        s.len = 0;
        // One notice per connection: the answer direction is marked without a second one.
        const back = this.streams.get(`${s.dst.address}|${s.dst.port}|${s.src.address}|${s.src.port}`);
        if (back?.tls) return;
        if (back) back.tls = true;
        this.notice('tls', frame, `TLS on ${endpointText(s.src.address, s.src.port)} -> ${endpointText(s.dst.address, s.dst.port)}: surv cannot read encrypted SIP; capture before TLS or use HEP from the proxy`);
        return;
      }
    }
    if (s.next === undefined) {
      // Picked up mid-stream: find the first SIP start line.
      s.next = seq;
      s.synced = false;
      s.lineStart = true;
    }
    const d = (seq - s.next) | 0;
    if (d > 0) {
      if (s.pending.length === 0) s.pendingSinceUs = timeUs;
      s.pending.push({ seq, data: Buffer.from(payload) });
      s.pendingBytes += payload.length;
      if (s.pendingBytes > tcpLimits.streamBytes || s.pending.length > tcpLimits.pendingSegments || timeUs - s.pendingSinceUs > tcpLimits.gapWaitUs) {
        this.skipGap(s, timeUs, frame);
      }
      return;
    }
    if (d < -tcpLimits.seqWindow) {
      // Far behind what was seen: not a retransmission but a new connection on the same
      // addresses whose SYN was not captured. Start over at its bytes.
      this.notice('tcp-gap', frame, `${this.flow(s)}: sequence number jumped back by ${-d}; reading on as a new stream`);
      s.len = 0;
      s.pending = [];
      s.pendingBytes = 0;
      s.synced = false;
      s.lineStart = true;
      s.next = seq;
      this.consume(s, payload, timeUs, frame);
      return;
    }
    if (d + payload.length <= 0) return; // all of it seen before: a retransmission
    this.consume(s, d < 0 ? payload.subarray(-d) : payload, timeUs, frame);
    this.drain(s, timeUs, frame);
  }

  /** Feeds waiting segments that now fit at the stream's next byte. */
  private drain(s: Stream, timeUs: number, frame: number): void {
    while (s.pending.length > 0 && s.next !== undefined) {
      const next = s.next;
      const i = s.pending.findIndex((p) => ((p.seq - next) | 0) <= 0);
      if (i < 0) return;
      const [p] = s.pending.splice(i, 1) as [Pending];
      s.pendingBytes -= p.data.length;
      const d = (p.seq - next) | 0;
      if (d + p.data.length > 0) this.consume(s, p.data.subarray(-d), timeUs, frame);
    }
  }

  /** The bytes before the waiting segments never came: drop what was unframed and start again at the first waiting byte. */
  private skipGap(s: Stream, timeUs: number, frame: number): void {
    if (s.next === undefined || s.pending.length === 0) return;
    const next = s.next;
    let first = s.pending[0] as Pending;
    for (const p of s.pending) if (((p.seq - next) | 0) < ((first.seq - next) | 0)) first = p;
    const missing = (first.seq - next) >>> 0;
    this.notice('tcp-gap', frame, `${this.flow(s)}: ${missing} bytes never captured (sequence ${next} to ${first.seq}); skipped to the next SIP start line`);
    s.len = 0;
    s.synced = false;
    // A segment most often starts a message: its first line is tried too.
    s.lineStart = true;
    s.next = first.seq;
    this.drain(s, timeUs, frame);
  }

  /** Appends in-order bytes and cuts out every whole message. */
  private consume(s: Stream, bytes: Buffer, timeUs: number, frame: number): void {
    s.next = ((s.next as number) + bytes.length) >>> 0;
    let work: Buffer;
    const inBuf = s.len > 0;
    if (!inBuf) {
      work = bytes;
      s.bufFrame = frame;
    } else {
      const need = s.len + bytes.length;
      if (!s.buf || s.buf.length < need) {
        const grown = Buffer.allocUnsafe(Math.max(need, (s.buf?.length ?? 0) * 2, 4096));
        if (s.buf) s.buf.copy(grown, 0, 0, s.len);
        s.buf = grown;
      }
      bytes.copy(s.buf, s.len);
      work = s.buf.subarray(0, need);
    }
    const end = work.length;
    let pos = 0;
    for (;;) {
      if (!s.synced) {
        const start = findSipStart(work, pos, end, s.lineStart);
        if (start < 0) {
          // Keep only a possibly split start line: from the last line end on.
          const lf = work.lastIndexOf(LF, end - 1);
          if (lf >= pos) {
            pos = lf + 1;
            s.lineStart = true;
          }
          if (end - pos > 2048) {
            pos = end;
            s.lineStart = false;
          }
          break;
        }
        pos = start;
        s.synced = true;
      }
      while (pos < end && (work[pos] === 0x0d || work[pos] === LF)) pos++;
      if (pos === end) break;
      const verdict = startsLikeSip(work, pos, end);
      if (verdict === -1) break;
      if (verdict === 0) {
        if (!s.warned) {
          s.warned = true;
          this.notice('not-sip', frame, `${this.flow(s)}: bytes that are not SIP where a message should start; skipped to the next SIP start line`);
        }
        s.synced = false;
        s.lineStart = false;
        continue;
      }
      const messageEnd = frameMessage(work, pos);
      if (messageEnd < 0) break;
      this.out.push({ kind: 'sip', timeUs, src: s.src, dst: s.dst, transport: 'tcp', text: work.toString('utf8', pos, messageEnd), frame });
      pos = messageEnd;
      s.bufFrame = frame;
    }
    const left = end - pos;
    if (left > tcpLimits.streamBytes) {
      this.notice('tcp-gap', frame, `${this.flow(s)}: ${left} bytes without a complete SIP message (since frame ${s.bufFrame}); skipped to the next SIP start line`);
      s.len = 0;
      s.synced = false;
      s.lineStart = true;
      return;
    }
    if (left === 0) {
      s.len = 0;
      // A buffer grown for one large message is not kept for the stream's lifetime.
      if (s.buf && s.buf.length > 16 * 1024) s.buf = undefined;
    } else if (inBuf && s.buf) {
      s.buf.copy(s.buf, 0, pos, end);
      s.len = left;
    } else {
      if (!s.buf || s.buf.length < left) s.buf = Buffer.allocUnsafe(Math.max(left, 4096));
      work.copy(s.buf, 0, pos, end);
      s.len = left;
    }
  }

  private close(s: Stream, frame: number): void {
    if (this.streams.get(s.key) !== s) return;
    this.streams.delete(s.key);
    this.held -= s.counted;
    if (s.pending.length > 0) this.skipGap(s, s.lastUs, frame);
    if (s.synced && s.len > 0 && !isKeepAlive(s.buf as Buffer, 0, s.len)) {
      this.notice('tcp-incomplete', frame, `${this.flow(s)}: the stream ends inside a SIP message (${s.len} bytes since frame ${s.bufFrame})`);
    }
  }

  private sweep(timeUs: number, frame: number): void {
    this.lastSweepUs = timeUs;
    for (const s of this.streams.values()) {
      if (timeUs - s.lastUs <= tcpLimits.idleUs) break;
      this.close(s, frame);
    }
  }

  /** The capture ended: waiting bytes are framed as far as they go, and unfinished messages reported. */
  finish(frame: number): void {
    for (const s of [...this.streams.values()]) this.close(s, frame);
  }
}
